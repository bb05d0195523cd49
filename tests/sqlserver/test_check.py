"""`manage.py check --database mssql` is clean: the backend's own checks see nothing to warn about."""

from io import StringIO

from django.core.management import call_command
from django.db import models
from django.db.models.functions import Lower
from django.test.utils import isolate_apps

from .offline import ALIAS


def test_check_is_clean_on_sql_server(sqlserver):
    out, err = StringIO(), StringIO()
    # fail_level WARNING: a warning such as models.W044 (a constraint SQL Server silently skips)
    # raises SystemCheckError listing it.
    call_command("check", databases=[ALIAS], fail_level="WARNING", stdout=out, stderr=err)
    assert "System check identified no issues" in out.getvalue(), out.getvalue() + err.getvalue()
    assert not err.getvalue()


@isolate_apps("django.contrib.contenttypes")
def test_check_consults_sql_server_features(sqlserver):
    """The check must really run against the mssql backend: an expression constraint gives W044."""

    class Keyword(models.Model):
        word = models.CharField(max_length=100)

        class Meta:
            app_label = "lintfixture"
            constraints = [models.UniqueConstraint(Lower("word"), name="keyword_word_ci")]

    ids = {message.id for message in Keyword.check(databases=[ALIAS])}
    assert "models.W044" in ids
