from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "api.events"
    label = "events"
    verbose_name = "Events"

    def ready(self):
        from api.events import changes  # noqa: F401  (registers the app's resources in the change feed)
