from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "api.research"
    label = "research"
    verbose_name = "Research programs, tasks and deliverables"

    def ready(self):
        from api.research import changes  # noqa: F401  (registers the app's resources in the change feed)
