from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "api.core"
    label = "core"
    verbose_name = "Wafer core"

    def ready(self):
        from api.core import schema  # noqa: F401  (registers the OpenAPI extensions)
        from api.core.files import storages  # noqa: F401  (registers the file-delivery system check)
