from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "api.research"
    label = "research"
    verbose_name = "Research programs, tasks and deliverables"
