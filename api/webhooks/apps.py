from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "api.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        # A committed change (api.changes.recorder) queues the dispatcher, which turns it into deliveries.
        from api.changes import recorder
        from api.webhooks import dispatch

        recorder.committed.connect(dispatch.on_change_committed, dispatch_uid="wafer-webhooks")
