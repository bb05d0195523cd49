"""Writes of publications, their authors and files. The API, the admin and the importer call these."""

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction

from api.accounts.models import User
from api.core.audit.services import audit_record, diff, snapshot
from api.core.files import uncommitted
from api.core.files.uploads import CheckedUpload
from api.publications import search
from api.publications.identifiers import normalise_doi, normalise_orcid
from api.publications.models import Author, Publication, PublicationFile, PublicationView

FIELDS = (
    "title", "kind", "abstract", "year", "published_on", "doi", "keywords", "venue", "access",
    "embargo_until", "embargo_reason",
)  # fmt: skip
MAX_KEYWORDS_LENGTH = 1000


def normalise_keywords(keywords) -> str:
    """Lower case, trimmed, de-duplicated in order, joined by '; ' (compared case-insensitively everywhere).

    ',' and ';' separate keywords also inside a list's items: stored "a; b" reads back as two keywords, so
    ["a; b"] is those two, and a keyword never holds the separators that an export or import splits on."""
    if not isinstance(keywords, str):
        keywords = ";".join(str(word) for word in keywords or [])
    seen = []
    for word in keywords.replace(",", ";").split(";"):
        word = " ".join(word.split()).lower()
        if word and word not in seen:
            seen.append(word)
    text = "; ".join(seen)
    if len(text) > MAX_KEYWORDS_LENGTH:
        raise ValidationError({"keywords": [f"Keywords may take at most {MAX_KEYWORDS_LENGTH} characters in all."]})
    return text


def _clean_fields(fields: dict) -> dict:
    cleaned = {key: value for key, value in fields.items() if key in FIELDS}
    if "doi" in cleaned:
        try:
            cleaned["doi"] = normalise_doi(cleaned["doi"])
        except ValidationError as exc:
            raise ValidationError({"doi": exc.messages}) from exc
    if "embargo_until" in cleaned and cleaned["embargo_until"] is None and "embargo_reason" not in cleaned:
        cleaned["embargo_reason"] = ""  # lifting an embargo lifts its reason
    if "keywords" in cleaned:
        cleaned["keywords"] = normalise_keywords(cleaned["keywords"])
    for key in ("title", "abstract", "venue", "embargo_reason"):
        if key in cleaned and isinstance(cleaned[key], str):
            cleaned[key] = cleaned[key].strip()
    return cleaned


def _check(publication: Publication, authors=None) -> list[Author] | None:
    """Every problem at once (fields and authors), then the model's own validation."""
    errors, rows = {}, None
    if authors is not None:
        try:
            rows = _author_rows(authors)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if publication.embargo_until is not None and not publication.embargo_reason:
        errors["embargo_reason"] = ["An embargo needs a reason."]
    if publication.embargo_until is None and publication.embargo_reason:
        errors["embargo_reason"] = ["There is no embargo to give a reason for."]
    if publication.doi and Publication.objects.filter(doi=publication.doi).exclude(pk=publication.pk).exists():
        errors["doi"] = ["Another publication has this DOI."]
    try:
        # The DOI and the embargo constraint are checked above, with clearer messages (no "__all__").
        publication.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return rows


def publication_validate(*, publication: Publication) -> None:
    """The checks publication_create and publication_update run, for a form that reports problems
    before anything is saved (the admin). `publication` holds normalised values."""
    _check(publication)


def _author_rows(authors) -> list[Author]:
    """Authors in order, each {"person": User | None, "name": str, "orcid": str}."""
    rows, errors = [], {}
    for index, author in enumerate(authors or []):
        person = author.get("person")
        if person is not None and not isinstance(person, User):
            person = User.objects.filter(pk=person).first()
            if person is None:
                errors[f"authors.{index}.person"] = ["No such person."]
                continue
        name = (author.get("name") or (person.full_name if person else "")).strip()
        if not name:
            errors[f"authors.{index}.name"] = ["Give the author's name or link a person."]
            continue
        try:
            orcid = normalise_orcid(author.get("orcid"))
        except ValidationError as exc:
            errors[f"authors.{index}.orcid"] = exc.messages
            continue
        rows.append(Author(position=index + 1, person=person, name=name[:200], orcid=orcid))
    if errors:
        raise ValidationError(errors)
    return rows


def _state(publication: Publication) -> dict:
    return {
        **snapshot(publication, FIELDS),
        "tasks": sorted(publication.tasks.values_list("pk", flat=True)),
        "authors": [[a.name, a.person_id, a.orcid] for a in publication.authors.order_by("position")],
    }


def _set_relations(publication: Publication, rows: list[Author] | None, tasks) -> None:
    if rows is not None:
        publication.authors.all().delete()
        for row in rows:
            row.publication = publication
        Author.objects.bulk_create(rows, batch_size=500)
    if tasks is not None:
        publication.tasks.set(tasks)
    search.index(publication)


@transaction.atomic
def publication_create(*, authors=None, tasks=None, **fields) -> Publication:
    publication = Publication(**_clean_fields(fields))
    rows = _check(publication, authors)
    publication.save()
    _set_relations(publication, rows, tasks)
    audit_record(action="create", target=publication, changes=_state(publication))
    return publication


@transaction.atomic
def publication_update(*, publication: Publication, authors=None, tasks=None, **fields) -> Publication:
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    before = _state(publication)
    for key, value in _clean_fields(fields).items():
        setattr(publication, key, value)
    rows = _check(publication, authors)
    publication.save()
    _set_relations(publication, rows, tasks)
    changes = diff(before, _state(publication))
    if changes:
        audit_record(action="update", target=publication, changes=changes)
    return publication


@transaction.atomic
def publication_delete(*, publication: Publication) -> None:
    audit_record(action="delete", target=publication, changes=_state(publication))
    stored = list(publication.files.values_list("file", flat=True))
    publication.tasks.clear()
    publication.delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in stored])


@transaction.atomic
def publication_file_add(*, publication: Publication, upload: CheckedUpload, uploaded_by) -> PublicationFile:
    stored_name = uncommitted.save_upload("publications", upload)
    try:
        record = PublicationFile(
            publication=publication,
            file=stored_name,
            original_name=upload.original_name,
            content_type=upload.kind.content_type,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_by=uploaded_by,
        )
        record.full_clean()
        record.save()
        audit_record(
            action="add_file", target=publication, changes={"file": record.original_name, "sha256": upload.sha256}
        )
    except Exception:
        uncommitted.remove(stored_name)  # nothing half-written: no orphaned file either
        raise
    return record


@transaction.atomic
def publication_file_delete(*, file: PublicationFile) -> None:
    audit_record(action="remove_file", target=file.publication, changes={"file": file.original_name})
    name = file.file.name
    file.delete()
    transaction.on_commit(lambda: default_storage.delete(name))


def publication_view_record(*, publication: Publication, user) -> None:
    """Count a signed-in person's detail view toward member-company usage (not audited: a read)."""
    if user is None or not user.is_authenticated:
        return
    PublicationView.objects.create(publication=publication, user=user, organisation_id=user.organisation_id)
