from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "api.core"
    label = "core"
    verbose_name = "Wafer core"

    def ready(self):
        from api.core import schema  # noqa: F401  (registers the OpenAPI extensions)
        from api.core.cache import keep_connections_between_requests, read_in_large_chunks
        from api.core.files import storages  # noqa: F401  (registers the file-delivery system check)
        from api.core.strict_text import install as install_strict_text

        install_strict_text()  # numbers are not text in request bodies (api.core.strict_text)
        keep_connections_between_requests()  # api.core.cache: no reconnect per request
        read_in_large_chunks()  # api.core.cache: fewer recv() calls for a cached page
