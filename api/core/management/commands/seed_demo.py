import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from api.core.request_context import acting_as


class Command(BaseCommand):
    help = (
        "Load Wafer's demo data (idempotent) and print the demo sign-ins. Each domain app contributes "
        "its own `demo.py` with a `seed(log)` function, run in INSTALLED_APPS order."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Refusing to load demo data with DEBUG off (a real deployment?). Use --force.")
        sign_ins, password = [], None
        with acting_as(None, via="command"), transaction.atomic():
            for app in apps.get_app_configs():
                if not app.name.startswith("api."):
                    continue
                try:
                    module = importlib.import_module(f"{app.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app.name}.demo":
                        raise
                    continue
                sign_ins.extend(module.seed(lambda line: self.stdout.write(f"  {line}")) or [])
                password = getattr(module, "DEMO_PASSWORD", password)
        if sign_ins:
            self.stdout.write(self.style.SUCCESS(f"Demo sign-ins (password for all: {password}):"))
            width = max(len(email) for email, _ in sign_ins)
            for email, description in sign_ins:
                self.stdout.write(f"  {email.ljust(width)}  {description}")
