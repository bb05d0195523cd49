from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "api.changes"
    label = "changes"
    verbose_name = "Change feed"

    def ready(self):
        # Every audited write of a registered resource becomes a change (api.changes.recorder).
        from api.changes import recorder
        from api.core.audit.services import audited

        audited.connect(recorder.on_audited, dispatch_uid="wafer-change-feed")
