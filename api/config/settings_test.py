"""Settings for the test suite: the real settings, made fast and deterministic."""

import ctypes.util
import os

os.environ["WAFER_NO_DOTENV"] = "1"  # a developer's .env must not leak into tests
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "wafer-test-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_COOKIES", "false")

from api.config.settings import *  # noqa: F403
from api.config.settings import BASE_DIR, REST_FRAMEWORK

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never in production
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "wafer-tests"}}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    # Throttles are tested explicitly; elsewhere they would make tests depend on each other.
    "DEFAULT_THROTTLE_RATES": {
        "anon": "100000/min",
        "user": "100000/min",
        "token": "100000/min",
        "login": "100000/min",
    },
}

# Every other app's demo test seeds from scratch: a small careers demo (still every state) keeps them quick.
CAREERS_DEMO_STUDENTS = 20

# Background jobs run at once, inside the request that enqueues them (after its commit).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}

# SQL Server is never connected to in tests: this alias only compiles SQL offline
# (tests/sqlserver/). Its version is seeded there, so nothing reaches the network.
# mssql-django imports pyodbc, which needs Debian's unixodbc (libodbc.so.2): without it the alias
# is left out, so the rest of the suite still runs (tests/sqlserver then skips, or fails in CI).
if ctypes.util.find_library("odbc"):
    DATABASES["mssql"] = {  # noqa: F405
        "ENGINE": "mssql",
        "NAME": "wafer",
        "USER": "wafer",
        "PASSWORD": "offline",
        "HOST": "sqlserver.offline.invalid",
        "PORT": "1433",
        "OPTIONS": {
            "python_driver": "mssql_python",
            "extra_params": "Encrypt=yes",
            "connection_timeout": 1,
            "connection_retries": 0,
        },
    }

# No collectstatic in tests: hashed (manifest) names are a deployment concern.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None  # WhiteNoise then serves from the apps' finders only
WHITENOISE_USE_FINDERS = True
