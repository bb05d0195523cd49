"""Model fields that behave the same on SQLite, PostgreSQL and SQL Server."""

from django.db import models


class LowercaseEmailField(models.EmailField):
    """An email stored, compared and made unique in lower case.

    SQL Server's default collation ignores case and the other databases do not; normalising on
    the way in (and in every lookup) makes `exact` and `unique` case-insensitive everywhere,
    without expression indexes (which mssql-django cannot create).
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.strip().lower() if isinstance(value, str) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value.strip().lower() if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = value.strip().lower()
            setattr(model_instance, self.attname, value)
        return value
