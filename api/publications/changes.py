"""Publications in the change feed (api.changes.registry), with api.publications.access restated
over stored audiences. The level stored is the *effective* one on the day of the change: an embargo
that lifts later is recorded by `record_embargo_lifts` (run daily) as its own change."""

from django.utils import timezone

from api.changes import recorder
from api.changes.models import Change
from api.changes.registry import Caller, Resource, register
from api.publications import access
from api.publications.models import Author, Publication
from api.research.models import ResearchTask

TEAM = ("principal_investigators", "students", "liaisons")


def audience(publication: Publication) -> dict:
    task_ids = list(
        Publication.tasks.through.objects.filter(publication=publication).values_list("researchtask_id", flat=True)
    )
    people = set(
        Author.objects.filter(publication=publication, person__isnull=False).values_list("person_id", flat=True)
    )
    for relation in TEAM:
        through = getattr(ResearchTask, relation).through
        people.update(through.objects.filter(researchtask_id__in=task_ids).values_list("user_id", flat=True))
    sponsors = ResearchTask.sponsors.through.objects.filter(researchtask_id__in=task_ids)
    return {
        "level": access.effective_access(publication),
        "sponsors": sorted(set(sponsors.values_list("organisation_id", flat=True))),
        "people": sorted(people),
    }


def allows(audience: dict, caller: Caller) -> bool:
    level = audience["level"]
    if caller.staff or level == Publication.Access.PUBLIC:
        return True
    if not caller.standing:
        return False
    if caller.company is not None and (
        level == Publication.Access.MEMBERS
        or (level == Publication.Access.SPONSORS and caller.company in audience["sponsors"])
    ):
        return True
    return caller.user in audience["people"]


def _event(verb, before, after) -> str | None:
    if verb == "create" or verb == "embargo_lifted":
        return "publication.published"
    return "publication.deleted" if verb == "delete" else "publication.updated"


PUBLICATIONS = register(
    Resource(name="publication", model=Publication, audience=audience, allows=allows, event_type=_event)
)


def record_embargo_lifts(today=None) -> int:
    """A change for each publication whose embargo has lifted since its last recorded change (no write
    happens to the row when an embargo ends, so nothing else would tell the feed or the webhooks)."""
    today = today or timezone.localdate()
    count = 0
    lifted = Publication.objects.filter(embargo_until__isnull=False, embargo_until__lte=today).order_by("pk")
    for publication in lifted.iterator(chunk_size=500):
        last = (
            Change.objects.filter(resource="publication", object_id=publication.pk)
            .order_by("-id")
            .values_list("audience_after", flat=True)
            .first()
        )
        if last is not None and last.get("level") != Publication.Access.PUBLIC:
            recorder.record(PUBLICATIONS, publication, "embargo_lifted")
            count += 1
    return count
