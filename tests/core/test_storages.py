"""Uploads on shared storage (FILE_STORAGE, api.core.files.storages): the configuration the S3 and Azure
backends get, gated files through a storage with no local disk, and the start-up refusal of delivery
modes that need one.

Django's InMemoryStorage stands in for S3 and Azure (no network needed), with path() refused as theirs is,
so nothing can quietly fall back to a local file.
"""

import os

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import InMemoryStorage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from api.core.files.delivery import deliver
from api.core.files.models import DownloadRecord
from api.core.files.storages import check_file_delivery, file_storage, has_local_paths
from api.core.files.uploads import check_upload, generated_name
from api.research.models import ProgressReport
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


class RemoteStorage(InMemoryStorage):
    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")  # S3Storage's and AzureStorage's

    def _relative_path(self, name):
        return os.path.relpath(InMemoryStorage.path(self, name), self.location)  # its own bookkeeping only


@pytest.fixture
def remote_storage(settings):
    settings.STORAGES = {"default": {"BACKEND": f"{__name__}.RemoteStorage"}, "staticfiles": STATIC}
    return storages["default"]


# --- Configuration --------------------------------------------------------------------------------


def test_the_default_is_the_local_filesystem():
    assert file_storage("filesystem") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_s3_gets_a_private_bucket_and_only_the_credentials_given():
    assert file_storage("s3", bucket="wafer-files", region="eu-west-1") == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "wafer-files",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "region_name": "eu-west-1",
        },
    }
    options = file_storage("s3", bucket="b", endpoint_url="http://minio:9000", access_key="AKIA", secret_key="s3cret")[
        "OPTIONS"
    ]
    assert (options["endpoint_url"], options["access_key"], options["secret_key"]) == (
        "http://minio:9000",
        "AKIA",
        "s3cret",
    )


def test_azure_takes_a_connection_string_or_an_account():
    assert file_storage("azure", bucket="uploads", connection_string="UseDevelopmentStorage=true") == {
        "BACKEND": "storages.backends.azure_storage.AzureStorage",
        "OPTIONS": {
            "azure_container": "uploads",
            "overwrite_files": False,
            "connection_string": "UseDevelopmentStorage=true",
        },
    }
    options = file_storage("azure", bucket="uploads", access_key="waferacct", secret_key="a2V5")["OPTIONS"]
    assert (options["account_name"], options["account_key"]) == ("waferacct", "a2V5")


@pytest.mark.parametrize(
    ("kind", "bucket", "message"),
    [
        ("gcs", "b", "FILE_STORAGE must be one of filesystem, s3, azure, not 'gcs'"),
        ("s3", "", "FILE_STORAGE=s3 needs FILE_STORAGE_BUCKET"),
        ("azure", "", "FILE_STORAGE=azure needs FILE_STORAGE_BUCKET"),
    ],
)
def test_a_wrong_configuration_is_refused_naming_the_setting(kind, bucket, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        file_storage(kind, bucket=bucket)


def test_the_real_backends_load_their_configuration_and_keep_files_off_the_local_disk(settings):
    # Building the storages needs no network; neither has a local path, like the stand-in below.
    s3 = file_storage("s3", bucket="wafer-files", region="eu-west-1", access_key="AKIAEXAMPLE", secret_key="x" * 40)
    azure = file_storage("azure", bucket="uploads", access_key="waferacct", secret_key="a2V5a2V5a2V5")
    settings.STORAGES = {"default": s3, "azure": azure, "staticfiles": STATIC}
    assert type(storages["default"]).__name__ == "S3Storage" and storages["default"].bucket_name == "wafer-files"
    assert type(storages["azure"]).__name__ == "AzureStorage" and storages["azure"].azure_container == "uploads"
    assert not has_local_paths(storages["default"]) and not has_local_paths(storages["azure"])
    settings.STORAGES = {"default": file_storage("filesystem"), "staticfiles": STATIC}
    assert has_local_paths(storages["default"])


# --- Gated files on a storage with no local disk --------------------------------------------------


@pytest.mark.django_db
def test_an_upload_is_stored_and_streamed_back_through_the_storage_api(settings, remote_storage, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_DELIVERY = "stream"
    checked = check_upload(SimpleUploadedFile("Q2 report.pdf", PDF, content_type="application/pdf"))
    # What the services do with an upload (api.research.services.report_submit and the others).
    name = default_storage.save(generated_name("reports", checked.kind), checked.file)
    assert isinstance(storages["default"], RemoteStorage) and remote_storage.exists(name)
    assert not (tmp_path / "media").exists()  # nothing reached the local disk

    target = factories.OrganisationFactory()
    fieldfile = ProgressReport(file=name).file
    response = deliver(fieldfile, filename="Q2 report.pdf", content_type="application/pdf", target=target)
    try:
        assert response.status_code == 200 and response.streaming
        assert b"".join(response.streaming_content) == PDF
    finally:
        fieldfile.close()
    assert response["Content-Length"] == str(len(PDF)) and response["Content-Type"] == "application/pdf"
    assert DownloadRecord.objects.get().size == len(PDF)


@pytest.mark.parametrize("mode", ["x-accel-redirect", "x-sendfile"])
def test_front_server_delivery_with_a_remote_storage_is_refused_at_start(settings, remote_storage, mode):
    settings.FILE_DELIVERY = mode
    errors = check_file_delivery()
    assert [error.id for error in errors] == ["wafer.E001"]
    assert f"FILE_DELIVERY={mode}" in errors[0].msg and "RemoteStorage" in errors[0].msg
    assert "FILE_DELIVERY=stream" in errors[0].hint
    with pytest.raises(SystemCheckError, match=r"wafer\.E001"):
        call_command("check", tags=[checks.Tags.files])


def test_streaming_a_remote_storage_and_front_server_delivery_from_disk_pass_the_check(settings, remote_storage):
    settings.FILE_DELIVERY = "stream"
    assert check_file_delivery() == []
    settings.STORAGES = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}, "staticfiles": STATIC}
    for mode in ("x-accel-redirect", "x-sendfile"):
        settings.FILE_DELIVERY = mode
        assert check_file_delivery() == []
    assert check_file_delivery in checks.registry.registry.get_checks()
