from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "api.careers"
    label = "careers"
    verbose_name = "Careers"
