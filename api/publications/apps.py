from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "api.publications"
    label = "publications"
    verbose_name = "Publications"

    def ready(self):
        from api.publications import changes  # noqa: F401  (registers the app's resources in the change feed)
