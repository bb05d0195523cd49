from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "api.research"
    label = "research"
    verbose_name = "Research programs, tasks and deliverables"

    def ready(self):
        from api.research import caching, changes  # noqa: F401  (cache invalidation; the change feed's resources)
