from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "api.publications"
    label = "publications"
    verbose_name = "Publications"
