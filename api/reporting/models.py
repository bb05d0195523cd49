"""Roll-ups: figures computed ahead of time where a live aggregate over the raw records would be slow.

Publication usage is the one such figure: DownloadRecord and PublicationView gain a row per click
and reach millions of rows, while the usage report asks for counts per month, organisation and
publication. `manage.py rollup_usage` (api.reporting.services.rollup_usage) writes one UsageMonth row
per (month, organisation, publication) for every complete month up to a watermark; the usage report
reads those rows for months up to the watermark and the raw records after it (the current month,
and any month the command has not reached yet), so the figures are the same whether or not the
command has run.

Organisation and publication are plain ids, not foreign keys, like the raw logs they summarise: a
roll-up survives a deleted publication or organisation (the counts still add up to the totals),
and no cascade path reaches it (sqlserver.md).
"""

from django.db import models


class UsageMonth(models.Model):
    month = models.DateField(help_text="The first day of the month (UTC).")
    organisation_id = models.BigIntegerField(null=True, blank=True, help_text="Empty: anonymous or no organisation.")
    publication_id = models.BigIntegerField(
        null=True, blank=True, help_text="Empty: downloads of a file that no longer exists."
    )
    downloads = models.PositiveIntegerField(default=0)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month", "organisation_id", "publication_id", "id"]
        # No unique constraint over the nullable ids: SQL Server would make it a filtered index that
        # leaves NULL rows unchecked. rollup_usage replaces a month's rows in one transaction instead.
        indexes = [
            models.Index(fields=["month", "organisation_id"]),
            models.Index(fields=["organisation_id", "month"]),
            models.Index(fields=["publication_id", "month"]),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} org {self.organisation_id} pub {self.publication_id}"


class RollupWatermark(models.Model):
    """How far a roll-up has got: every month up to and including `through` is complete in it."""

    name = models.CharField(max_length=50, unique=True)
    through = models.DateField(null=True, blank=True, help_text="The first day of the last month rolled up.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.name} through {self.through or 'nothing yet'}"
