from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "api.publications"
    label = "publications"
    verbose_name = "Publications"

    def ready(self):
        from api.publications import caching, changes  # noqa: F401  (cache invalidation; the change feed's resources)
