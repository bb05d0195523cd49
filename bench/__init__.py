"""The benchmark harness of issue 10: `make bench` (bench/run.py), dataset in bench/dataset.py."""
