import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from api.core.request_context import acting_as
from api.publications.importing import FORMATS, check_encoding, detect_format, import_publications, plural_problems


class Command(BaseCommand):
    help = (
        "Import publications from a BibTeX or CSV file: created, updated or skipped (idempotent). "
        "All or nothing: if any row is rejected nothing is written, every problem is listed with its "
        "line number, and the exit code is non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .bib or .csv file.")
        parser.add_argument("--format", choices=FORMATS, help="Defaults to the file's extension (.bib, .csv).")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report; write nothing.")
        parser.add_argument("--encoding", default="utf-8", help="The file's encoding (default utf-8, BOM or not).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (none when not a TTY).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        file_format = options["format"] or detect_format(path.name)
        if file_format is None:
            raise CommandError(f"Cannot tell the format of {path.name!r}: give --format bibtex or --format csv.")
        try:
            check_encoding(options["encoding"])
            data = path.read_bytes()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        show = not options["no_progress"] and sys.stderr.isatty()

        def progress(rows):
            return tqdm(rows, desc="Writing", unit="row", file=sys.stderr, disable=not show, leave=False)

        with acting_as(None, via="command"):
            result = import_publications(
                data, format=file_format, encoding=options["encoding"], dry_run=options["dry_run"], progress=progress
            )
        for line in result.lines():
            self.stdout.write(line)
        if result.rejected and not options["dry_run"]:
            raise CommandError(f"{plural_problems(len(result.rejected))} in {path.name}; nothing was written.")
