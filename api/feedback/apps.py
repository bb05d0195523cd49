from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "api.feedback"
    label = "feedback"
    verbose_name = "Member feedback on research"
