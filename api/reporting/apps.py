from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "api.reporting"
    label = "reporting"
    verbose_name = "Reporting"
