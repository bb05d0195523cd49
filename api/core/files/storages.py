"""Where uploads are kept (settings.FILE_STORAGE), so that several hosts behind HAProxy share them.

- `filesystem`: MEDIA_ROOT on the local disk (one host, or a mount every host shares).
- `s3`: a private S3 bucket (or an S3-compatible server: FILE_STORAGE_ENDPOINT_URL), django-storages.
- `azure`: a private Azure Blob Storage container, django-storages.

Gated downloads (api.core.files.delivery) work with all three in `stream` mode: the view reads the file
through the storage API (no local path) and streams it. `x-accel-redirect` and `x-sendfile` hand a
local file to the front server, which a bucket does not have: the system check below refuses that
combination when Wafer starts (`manage.py check`, `migrate`, `runserver`), instead of a 500 on the
first download.

The check is registered when this module is imported: by settings.py, to build STORAGES, and by
CoreConfig.ready, so that it holds whoever builds the settings.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, storages

KINDS = ("filesystem", "s3", "azure")


def file_storage(
    kind: str,
    *,
    bucket: str = "",
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    connection_string: str = "",
) -> dict:
    """STORAGES["default"] for FILE_STORAGE. Empty credentials leave them to the SDK's own chain
    (environment, instance role, managed identity)."""
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind not in KINDS:
        raise ImproperlyConfigured(f"FILE_STORAGE must be one of {', '.join(KINDS)}, not {kind!r}")
    if not bucket:
        raise ImproperlyConfigured(f"FILE_STORAGE={kind} needs FILE_STORAGE_BUCKET (the bucket or container name)")
    if kind == "s3":
        options = {
            "bucket_name": bucket,
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": True,  # any URL the storage makes is signed
            "file_overwrite": False,  # names are generated; never replace a file silently
        }
        given = {
            "endpoint_url": endpoint_url,
            "region_name": region,
            "access_key": access_key,
            "secret_key": secret_key,
        }
        options.update({key: value for key, value in given.items() if value})
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    options = {"azure_container": bucket, "overwrite_files": False}
    if connection_string:
        options["connection_string"] = connection_string
    else:
        given = {"account_name": access_key, "account_key": secret_key}
        options.update({key: value for key, value in given.items() if value})
    return {"BACKEND": "storages.backends.azure_storage.AzureStorage", "OPTIONS": options}


def has_local_paths(storage) -> bool:
    """Whether files of this storage are on a disk the front server could read. Only FileSystemStorage's
    are: S3 and Azure have no path(), and InMemoryStorage has one with nothing behind it."""
    return isinstance(storage, FileSystemStorage)


@checks.register(checks.Tags.files)
def check_file_delivery(app_configs=None, **kwargs):
    mode = settings.FILE_DELIVERY
    if mode not in {"x-accel-redirect", "x-sendfile"}:
        return []
    storage = storages["default"]
    if has_local_paths(storage):
        return []
    backend = f"{type(storage).__module__}.{type(storage).__qualname__}"
    return [
        checks.Error(
            f"FILE_DELIVERY={mode} hands the front server a file on the local disk, but uploads are kept "
            f"in {backend}, which has none.",
            hint="Use FILE_DELIVERY=stream with FILE_STORAGE=s3 or azure: Wafer reads each file through "
            "the storage and streams it after its access checks.",
            id="wafer.E001",
        )
    ]
