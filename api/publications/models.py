from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from api.core.files.models import StoredFile
from api.research.models import ResearchTask


class Publication(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", "Paper"
        REPORT = "report", "Report"
        THESIS = "thesis", "Thesis"
        PRESENTATION = "presentation", "Presentation"
        PATENT = "patent", "Patent"
        OTHER = "other", "Other"

    class Access(models.TextChoices):
        PUBLIC = "public", "Public"
        MEMBERS = "members", "Members"
        SPONSORS = "sponsors", "Sponsors of its tasks"

    title = models.CharField(max_length=500)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Searched with `q` (LIKE), never indexed: a CharField, not nvarchar(max) (sqlserver.md).
    abstract = models.CharField(max_length=4000, blank=True)
    year = models.PositiveSmallIntegerField()
    published_on = models.DateField(null=True, blank=True)
    # Normalised to lower case (api.publications.identifiers); unique when present (a filtered
    # unique index on SQL Server).
    doi = models.CharField(max_length=200, null=True, blank=True, unique=True)
    keywords = models.CharField(max_length=1000, blank=True, help_text="Lower case, separated by '; '.")
    venue = models.CharField(max_length=300, blank=True)
    tasks = models.ManyToManyField(ResearchTask, related_name="publications", blank=True)
    access = models.CharField(max_length=16, choices=Access.choices, default=Access.MEMBERS)
    embargo_until = models.DateField(
        null=True, blank=True, help_text="Until this date at least members-only; public from it on."
    )
    embargo_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "title", "id"]
        indexes = [
            models.Index(fields=["updated_at"]),  # updated_since and the change feed's clients
            models.Index(fields=["year", "id"]),
            # The list's order (Meta.ordering): a page is read off the index, never sorted from a year's rows.
            models.Index(fields=["-year", "title", "id"], name="publication_list_order"),
            models.Index(fields=["kind", "year"]),
            # Who may see a publication, with its id: counting the visible ones among a search's or a
            # filter's matches reads this narrow index, not the table's abstracts (50 MB on the bench's
            # 50,000 publications, which PostgreSQL read for each search's first COUNT: bench/).
            models.Index(fields=["access", "embargo_until", "id"], name="publication_visibility"),
            models.Index(fields=["published_on"]),
            models.Index(fields=["title"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="embargo_needs_a_reason", condition=Q(embargo_until__isnull=True) | ~Q(embargo_reason="")
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"

    @property
    def keyword_list(self) -> list[str]:
        return [word for word in self.keywords.split("; ") if word]


class Author(models.Model):
    """An author in order: a person of Wafer or a free-text name, with an optional ORCID iD."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField()
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="authorships"
    )
    name = models.CharField(max_length=200, help_text="As printed; copied from the person when one is linked.")
    orcid = models.CharField(max_length=19, blank=True)

    class Meta:
        ordering = ["publication_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["publication", "position"], name="author_position_unique")]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return self.name


class SearchWord(models.Model):
    """A word of a publication's title, abstract, keywords or authors' names, folded to lower case
    without accents (api.publications.search): `q` finds publications through this table's index by
    word prefix, instead of scanning every abstract with LIKE '%word%'. Written only by that module."""

    # No index of its own: the unique constraint's (publication, word) serves lookups by publication.
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="search_words", db_index=False)
    word = models.CharField(max_length=40)
    # The first day visitors see the publication (access.public_from; None: not while it stays as it
    # is), rewritten with its access and embargo: a visitor's search counts its matches off this
    # table's index alone, without the publications (bench/: 33 -> 9 ms for a word in most of them).
    public_from = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            # Also how a page of a search checks its rows: for each publication in the list's order, a
            # seek to its words starting with the prefix (PostgreSQL needs the pattern class for that
            # under a non-C collation; without it, it read all ~40 words of each: 0.40 -> 0.13 ms a page).
            models.UniqueConstraint(
                fields=["publication", "word"], name="searchword_unique", opclasses=["int8_ops", "varchar_pattern_ops"]
            )
        ]
        indexes = [
            # `word LIKE 'pre%'` seeks this index and reads the publications off it, with the day each
            # becomes public (on PostgreSQL only a pattern operator class serves LIKE under a non-C
            # collation; other databases ignore opclasses).
            models.Index(
                fields=["word", "public_from", "publication"],
                name="searchword_prefix_public",
                opclasses=["varchar_pattern_ops", "date_ops", "int8_ops"],
            ),
        ]

    def __str__(self):
        return self.word


class PublicationFile(StoredFile):
    """A document of a publication; its access is the publication's."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="files")

    class Meta:
        ordering = ["publication_id", "id"]


class PublicationView(models.Model):
    """A signed-in person opened a publication's detail: member-company usage for reporting."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation_id = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation_id", "at"]), models.Index(fields=["publication", "at"])]

    def __str__(self):
        return f"{self.publication_id} by {self.user_id} at {self.at:%Y-%m-%d}"
