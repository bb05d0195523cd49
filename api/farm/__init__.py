"""The web farm on one box: HAProxy over N WSGI worker processes, supervised (`python -m api.farm`).

One Python process cannot use a machine (the GIL), so Wafer runs as N worker processes, each on
its own 127.0.0.1 port, behind HAProxy. See README "The farm".
"""
