from django.core.management.base import BaseCommand

from api.publications.search import rebuild


class Command(BaseCommand):
    help = (
        "Rewrite the words that `q` searches (api.publications.search) for every publication. The services "
        "keep them up to date; run this after loading publications by other means (SQL, a restored table)."
    )

    def handle(self, *args, **options):
        written = rebuild(log=self.stdout.write if options["verbosity"] > 1 else None)
        self.stdout.write(f"{written} words indexed.")
