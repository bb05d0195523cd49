"""Bulk import of publications from BibTeX and CSV: the command and the API call this.

All or nothing per file. Every row is read and validated first; if any row is rejected, nothing
is written and the summary lists every problem with its line number. Then each row is matched
against the publications already stored, and written through api.publications.services (so
validation and the audit trail are the normal ones), in one transaction.

Matching, in this order:
1. on the DOI (normalised, so `https://doi.org/10.1/X` and `10.1/x` are one DOI);
2. else on the title and year: titles compared case-insensitively with runs of whitespace folded,
   in Python (so SQLite, PostgreSQL and SQL Server behave the same). A stored publication with
   another DOI than the row's is not a match (two DOIs are two publications). Two stored
   publications with the same title and year make the row ambiguous: rejected.
A match with nothing different is `skipped`, else `updated`; no match is `created`.

An update writes only what the file gives: a blank cell or a missing BibTeX field keeps the stored
value (an import never clears a field), text that differs only in spacing (line breaks, runs of
spaces, which exports fold) is no change, and authors are replaced only when the names differ
(in order; linked people and ORCID iDs of unchanged names are kept).

Within one file, rows that are the same publication are all rejected, never half-written: two rows
with one DOI, two rows without a DOI with one title and year (or one of them with a DOI), or two
rows matching the same stored publication. Each row names the other lines.

Authors are free-text names, "Given Family" as printed. One is linked to a Wafer person when
exactly one active person's full name ("Given Family") equals it, ignoring case and spacing.

Line numbers are the file's: for CSV the header is line 1 and a row is numbered by the line it
starts on; for BibTeX an entry is numbered by the line of its `@type{`.
"""

import codecs
import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, ParsingFailedBlock
from django.core.exceptions import ValidationError
from django.db import transaction
from pylatexenc import latex2text
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec

from api.accounts.models import User
from api.publications import services
from api.publications.citations import name_as_read_back
from api.publications.identifiers import normalise_doi
from api.publications.models import Author, Publication

FORMATS = ("bibtex", "csv")
EXTENSIONS = {".bib": "bibtex", ".bibtex": "bibtex", ".csv": "csv"}
CSV_COLUMNS = (
    "title", "kind", "year", "doi", "authors", "abstract", "keywords", "venue", "published_on", "access",
    "embargo_until", "embargo_reason",
)  # fmt: skip
CSV_REQUIRED_COLUMNS = ("title", "kind", "year")
TEXT_FIELDS = ("title", "abstract", "venue", "embargo_reason", "keywords")
NON_FIELD = "non_field_errors"
YEARS = (1900, 2100)
CHUNK = 1000  # rows per IN list and per batch: well within SQL Server's 2100 parameters
AUTHOR_NAME_MAX = 200
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

KIND_BY_ENTRY_TYPE = {
    "article": Publication.Kind.PAPER,
    "inproceedings": Publication.Kind.PAPER,
    "conference": Publication.Kind.PAPER,
    "incollection": Publication.Kind.PAPER,
    "inbook": Publication.Kind.PAPER,
    "techreport": Publication.Kind.REPORT,
    "report": Publication.Kind.REPORT,
    "phdthesis": Publication.Kind.THESIS,
    "mastersthesis": Publication.Kind.THESIS,
    "thesis": Publication.Kind.THESIS,
    "patent": Publication.Kind.PATENT,
}
PRESENTATION_WORDS = re.compile(
    r"\b(talk|presentation|presented|slides|poster|keynote|seminar|lecture|webinar|tutorial)\b", re.IGNORECASE
)
# Fields read from a BibTeX entry; any other field (pages, volume, url, ...) is ignored.
BIBTEX_VENUE_FIELDS = ("journal", "booktitle", "school", "institution")
# Prose is decoded from LaTeX; other fields keep their characters.
BIBTEX_PROSE_FIELDS = {
    "title", "abstract", "keywords", "embargo_reason", "howpublished", "type", "note", "eventtitle",
    *BIBTEX_VENUE_FIELDS,
}  # fmt: skip
LATEX_ESCAPE = re.compile(r"\\([_&%#$])")
DOI_BRACE_ESCAPES = re.compile(r"%(5C|7B|7D)", re.IGNORECASE)

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# textcomp symbols pylatexenc does not know (it reads `\textbraceleft{}` as nothing and
# `\textasciicircum{}` as a modifier letter); Wafer's own export writes them (citations.latex_escape).
TEXTCOMP = [
    MacroTextSpec("textbraceleft", "{"),
    MacroTextSpec("textbraceright", "}"),
    MacroTextSpec("textasciicircum", "^"),
]


def _latex_decoder() -> LatexNodes2Text:
    """As bibtexparser's LatexDecodingMiddleware (math kept verbatim, \\url{} unwrapped), without its
    log line per entry for the author lists it cannot decode."""
    context = latex2text.get_default_latex_context_db()
    macros = [MacroTextSpec("url", simplify_repl="%s"), *TEXTCOMP]
    context.add_context_category("wafer-bibtex", prepend=True, macros=macros)
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


_latex = _latex_decoder()


def latex_to_text(value: str) -> str:
    try:
        return _latex.latex_to_text(value)
    except Exception:  # pylatexenc is tolerant; should it still fail, the text stays as written
        return value


# --- The summary --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return where + (self.message if self.field == NON_FIELD else f"{self.field}: {self.message}")

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class ImportResult:
    dry_run: bool
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "rejected": [problem.as_dict() for problem in self.rejected],
            "dry_run": self.dry_run,
        }

    def lines(self) -> list[str]:
        """The summary as text, for the command."""
        counts = f"{self.created} created, {self.updated} updated, {self.skipped} skipped"
        if self.dry_run:
            head = f"Dry run, nothing was written: {counts}, {len(self.rejected)} rejected."
        elif self.rejected:
            head = f"Nothing was written: {plural_problems(len(self.rejected))} (the other rows: {counts})."
        else:
            head = f"{counts}."
        return [head, *(f"  {problem}" for problem in self.rejected)]


def plural_problems(count: int) -> str:
    return f"{count} problem" if count == 1 else f"{count} problems"


# --- Rows ---------------------------------------------------------------------------------------


@dataclass
class Row:
    """One CSV row or BibTeX entry: its line, its values as text, and its author names in order."""

    line: int
    values: dict[str, str]
    authors: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)  # cleaned, non-blank only
    publication: Publication | None = None
    action: str = ""  # create, update, skip
    changes: dict = field(default_factory=dict)
    authors_change: bool = False

    @property
    def title_key(self) -> tuple:
        return (self.fields.get("year"), fold_title(self.fields.get("title", "")))


def fold(text: str | None) -> str:
    return " ".join((text or "").split())


def fold_title(text: str) -> str:
    return fold(text).casefold()


def detect_format(name: str | None) -> str | None:
    return EXTENSIONS.get(PurePath(name or "").suffix.lower())


# --- Decoding -----------------------------------------------------------------------------------


def check_encoding(encoding: str) -> str:
    """The codec's canonical name; ValueError for an unknown one, or a codec that is no text encoding
    (rot13, base64, zlib...: bytes.decode refuses them with a LookupError)."""
    try:
        codec = codecs.lookup(encoding)
        "".encode(codec.name)
    except LookupError as exc:
        raise ValueError(f"Unknown encoding {encoding!r}; try utf-8 or latin-1.") from exc
    return codec.name


def decode(data: bytes, encoding: str = "utf-8") -> tuple[str | None, Problem | None]:
    """The text of the file (UTF-8 with or without a BOM), or a problem naming the first bad byte."""
    codec = check_encoding(encoding)
    try:
        text = data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = (
            f"The file is not valid {encoding}: byte 0x{data[exc.start]:02x} at offset {exc.start} (line {line}). "
            "Save it as UTF-8, or give its encoding (e.g. latin-1)."
        )
        return None, Problem(line, NON_FIELD, message)
    except UnicodeError as exc:  # codecs such as idna or punycode name no byte
        message = f"The file is not valid {encoding} ({exc}). Save it as UTF-8, or give its encoding (e.g. latin-1)."
        return None, Problem(1, NON_FIELD, message)
    return text.removeprefix("\ufeff"), None


# --- CSV ----------------------------------------------------------------------------------------


def _csv_header(header: list[str]) -> tuple[list[str], list[Problem]]:
    columns = [cell.strip().lower() for cell in header]
    problems = []
    unknown = [column or "(blank)" for column in columns if column not in CSV_COLUMNS]
    if unknown:
        problems.append(
            Problem(1, NON_FIELD, f"Unknown columns: {', '.join(unknown)}. Known columns: {', '.join(CSV_COLUMNS)}.")
        )
    repeated = sorted({column for column in columns if column and columns.count(column) > 1})
    if repeated:
        problems.append(Problem(1, NON_FIELD, f"Columns given more than once: {', '.join(repeated)}."))
    missing = [column for column in CSV_REQUIRED_COLUMNS if column not in columns]
    if missing:
        problems.append(Problem(1, NON_FIELD, f"Missing columns: {', '.join(missing)}."))
    return columns, problems


def csv_author_names(cell: str) -> list[str]:
    """'Family, Given; Given Family' → ['Given Family', 'Given Family']."""
    names = []
    for part in cell.split(";"):
        family, comma, given = part.partition(",")
        name = fold(f"{given} {family}" if comma else part)
        if name:
            names.append(name)
    return names


def read_csv(text: str) -> tuple[list[Row], list[Problem]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, problems, line = [], [], 1  # `line`: where the row being read starts
    try:
        header = next(reader, None)
        if not header:
            return [], [Problem(1, NON_FIELD, "The first line must be the header row (the file is empty?).")]
        columns, problems = _csv_header(header)
        if problems:
            return [], problems
        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(cells) != len(columns):
                message = f"This row has {len(cells)} cells; the header has {len(columns)}."
                problems.append(Problem(start, NON_FIELD, message))
                continue
            values = dict(zip(columns, cells, strict=True))
            rows.append(Row(line=start, values=values, authors=csv_author_names(values.pop("authors", ""))))
    except csv.Error as exc:
        problems.append(Problem(line, NON_FIELD, f"The file is not valid CSV: {exc}."))
    return rows, problems


# --- BibTeX -------------------------------------------------------------------------------------


def _bibtex_stack() -> list:
    return [
        middlewares.ResolveStringReferencesMiddleware(),
        middlewares.RemoveEnclosingMiddleware(),
        middlewares.NormalizeFieldKeys(),
        middlewares.SeparateCoAuthors(),
        middlewares.SplitNameParts(),  # LaTeX is decoded after the split, so `{Barnes and Noble}` stays one name
    ]


def _bibtex_failure(block: ParsingFailedBlock) -> str:
    if isinstance(block, DuplicateBlockKeyBlock):
        previous = block.previous_block.start_line
        return f"The key {block.key!r} is already used on line {previous + 1}."
    if isinstance(block, DuplicateFieldKeyBlock):
        return f"Fields given more than once: {', '.join(sorted(block.duplicate_keys))}."
    detail = str(block.error).strip().splitlines()
    reason = detail[-1].strip() if detail else type(block.error).__name__
    return f"This entry cannot be read (a missing brace, quote or comma?): {reason}"


def _decoded_name(parts) -> str:
    if isinstance(parts, str):
        return fold(latex_to_text(parts))
    pieces = [*parts.first, *parts.von, *parts.last]
    name = " ".join(latex_to_text(piece) for piece in pieces)
    if parts.jr:
        name += ", " + " ".join(latex_to_text(piece) for piece in parts.jr)
    return fold(name)


def bibtex_kind(entry: Entry, values: dict[str, str]) -> str:
    if values.get("kind"):  # an explicit `kind` field (e.g. from Wafer's own export) wins
        return values["kind"]
    entry_type = entry.entry_type.lower()
    if entry_type in KIND_BY_ENTRY_TYPE:
        return KIND_BY_ENTRY_TYPE[entry_type]
    hints = " ".join(values.get(key, "") for key in ("howpublished", "type", "note", "eventtitle"))
    if PRESENTATION_WORDS.search(hints):
        return Publication.Kind.PRESENTATION
    return Publication.Kind.OTHER


def _bibtex_value(key: str, value: str) -> str:
    if key in BIBTEX_PROSE_FIELDS:
        value = latex_to_text(value)
    else:  # identifiers and codes (doi, year, dates): only escapes and braces, `%` or `~` stay as written
        value = LATEX_ESCAPE.sub(r"\1", value).replace("{", "").replace("}", "")
    if key == "doi":  # what our export percent-encodes in a DOI (citations._bibtex_doi), read as a resolver would
        value = DOI_BRACE_ESCAPES.sub(lambda found: bytes.fromhex(found[1]).decode(), value)
    return value.strip() if key == "abstract" else fold(value)


def _bibtex_row(entry: Entry) -> Row:
    raw = {field.key.lower(): field.value for field in entry.fields}
    values = {key: _bibtex_value(key, value) for key, value in raw.items() if isinstance(value, str)}
    venue = next((values[key] for key in BIBTEX_VENUE_FIELDS if values.get(key)), "")
    date = values.get("date", "")
    row_values = {
        "title": values.get("title", ""),
        "kind": bibtex_kind(entry, values),
        "year": values.get("year") or (date[:4] if ISO_DATE.match(date) else ""),
        "published_on": date if ISO_DATE.match(date) else values.get("published_on", ""),
        "venue": venue,
        **{
            key: values.get(key, "")
            for key in ("doi", "abstract", "keywords", "access", "embargo_until", "embargo_reason")
        },
    }
    authors = raw.get("author") or []
    names = [_decoded_name(parts) for parts in authors]
    return Row(line=(entry.start_line or 0) + 1, values=row_values, authors=[n for n in names if n and n != "others"])


def read_bibtex(text: str) -> tuple[list[Row], list[Problem]]:
    library = bibtexparser.parse_string(text, parse_stack=_bibtex_stack())
    rows, problems = [], []
    for block in library.blocks:
        if isinstance(block, ParsingFailedBlock):
            problems.append(Problem((block.start_line or 0) + 1, NON_FIELD, _bibtex_failure(block)))
        elif isinstance(block, Entry):
            rows.append(_bibtex_row(block))
    if not rows and not problems:
        problems.append(Problem(None, NON_FIELD, "The file has no BibTeX entries."))
    return rows, problems


# --- Validation of one row ----------------------------------------------------------------------


def _parse_year(text: str) -> int:
    if not text:
        raise ValidationError("The year is required.")
    # ASCII digits only: "²" passes isdigit() yet int() refuses it, and "١٩٩٩" is no way to write a year here.
    if not (text.isascii() and text.isdigit()) or not YEARS[0] <= int(text) <= YEARS[1]:
        raise ValidationError(f"Enter a year between {YEARS[0]} and {YEARS[1]}.")
    return int(text)


def _parse_date(text: str) -> datetime.date:
    try:
        if not ISO_DATE.match(text):
            raise ValueError
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError("Enter a date as YYYY-MM-DD.") from exc


def _parse_choice(choices):
    def parse(text: str) -> str:
        value = text.lower()
        if value not in choices.values:
            raise ValidationError(f"Choose one of: {', '.join(choices.values)}.")
        return value

    return parse


PARSERS = {
    "year": _parse_year,
    "kind": _parse_choice(Publication.Kind),
    "access": _parse_choice(Publication.Access),
    "doi": normalise_doi,
    "published_on": _parse_date,
    "embargo_until": _parse_date,
    "keywords": lambda text: services.normalise_keywords(text),
}


def _add(errors: dict, key: str, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    else:
        errors.setdefault(key, []).extend(exc.messages)


def _clean_value(key: str, raw: str):
    if CONTROL_CHARACTERS.search(raw):
        raise ValidationError("Remove the control characters (such as NUL) from this value.")
    text = raw.strip() if key == "abstract" else fold(raw)
    return PARSERS[key](text) if key in PARSERS and (text or key == "year") else text


def _check_authors(row: Row, errors: dict) -> None:
    for index, name in enumerate(row.authors):
        if CONTROL_CHARACTERS.search(name):
            errors[f"authors.{index}.name"] = ["Remove the control characters (such as NUL) from this name."]
        elif len(name) > AUTHOR_NAME_MAX:
            errors[f"authors.{index}.name"] = [f"Ensure this value has at most {AUTHOR_NAME_MAX} characters."]


def _check_embargo(fields: dict, errors: dict) -> None:
    if fields.get("embargo_until") and not fields.get("embargo_reason"):
        errors.setdefault("embargo_reason", []).append("An embargo needs a reason.")
    if fields.get("embargo_reason") and not fields.get("embargo_until"):
        errors.setdefault("embargo_reason", []).append("There is no embargo date to give a reason for.")


def clean_row(row: Row) -> dict[str, list[str]]:
    """Fill row.fields with the row's non-blank values, cleaned; the errors by field."""
    errors: dict[str, list[str]] = {}
    for key, raw in row.values.items():
        try:
            value = _clean_value(key, raw)
        except ValidationError as exc:
            _add(errors, key, exc)
            continue
        if value not in ("", None):
            row.fields[key] = value
    if not row.fields.get("title") and "title" not in errors:
        errors["title"] = ["The title is required."]
    _check_embargo(row.fields, errors)
    _check_authors(row, errors)
    model_fields = {key: value for key, value in row.fields.items() if key not in errors}
    try:  # lengths and choices, as the model declares them (no query)
        Publication(**model_fields).clean_fields(
            exclude=[f.name for f in Publication._meta.fields if f.name not in model_fields]
        )
    except ValidationError as exc:
        _add(errors, NON_FIELD, exc)
    return errors


# --- Duplicates and matching --------------------------------------------------------------------


def _reject_groups(groups: dict, reason: str, problems: list[Problem]) -> set[int]:
    """Reject every row of every group of more than one row; the ids of the rejected rows."""
    rejected = set()
    for rows in groups.values():
        if len(rows) < 2:
            continue
        for row in rows:
            others = ", ".join(str(other.line) for other in rows if other is not row)
            problems.append(Problem(row.line, NON_FIELD, reason.format(others=others)))
            rejected.add(id(row))
    return rejected


def reject_duplicates(rows: list[Row], problems: list[Problem]) -> list[Row]:
    by_doi, by_title = defaultdict(list), defaultdict(list)
    for row in rows:
        if row.fields.get("doi"):
            by_doi[row.fields["doi"]].append(row)
        by_title[row.title_key].append(row)
    rejected = _reject_groups(by_doi, "The file has this DOI also on line {others}.", problems)
    # The same title and year twice is one publication unless both rows give (different) DOIs.
    title_groups = {key: group for key, group in by_title.items() if any(not r.fields.get("doi") for r in group)}
    rejected |= _reject_groups(title_groups, "The file has this title and year also on line {others}.", problems)
    return [row for row in rows if id(row) not in rejected]


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _stored_dois(dois: list[str]) -> dict[str, int]:
    found = {}
    for chunk in _chunks(dois):
        found.update(Publication.objects.filter(doi__in=chunk).values_list("doi", "pk"))
    return found


def _stored_titles(years: list[int]) -> dict[tuple, list[tuple[int, str | None]]]:
    """(year, folded title) → [(pk, doi)] of the stored publications of those years."""
    found = defaultdict(list)
    if years:  # at most 201 years: one short IN list
        stored = Publication.objects.filter(year__in=years).order_by("pk").values_list("pk", "year", "title", "doi")
        for pk, year, title, doi in stored:
            found[(year, fold_title(title))].append((pk, doi))
    return found


def match(rows: list[Row], problems: list[Problem]) -> list[Row]:
    """Set row.publication for rows that match a stored publication; the rows still valid."""
    by_doi = _stored_dois(sorted({row.fields["doi"] for row in rows if row.fields.get("doi")}))
    by_title = _stored_titles(sorted({row.fields["year"] for row in rows if row.fields.get("doi") not in by_doi}))
    matched, valid = {}, []
    for row in rows:
        doi = row.fields.get("doi")
        if doi in by_doi:
            matched[id(row)] = by_doi[doi]
        else:
            candidates = [pk for pk, other in by_title.get(row.title_key, []) if not (doi and other and other != doi)]
            if len(candidates) > 1:
                ids = ", ".join(map(str, candidates))
                message = f"Several stored publications have this title and year (ids {ids}); give the DOI."
                problems.append(Problem(row.line, NON_FIELD, message))
                continue
            if candidates:
                matched[id(row)] = candidates[0]
        valid.append(row)
    same_target = defaultdict(list)
    for row in valid:
        if id(row) in matched:
            same_target[matched[id(row)]].append(row)
    rejected = _reject_groups(same_target, "This row and line {others} match the same stored publication.", problems)
    valid = [row for row in valid if id(row) not in rejected]
    publications = {}
    for chunk in _chunks(sorted({matched[id(row)] for row in valid if id(row) in matched})):
        publications.update(Publication.objects.in_bulk(chunk))
    for row in valid:
        row.publication = publications.get(matched.get(id(row)))
    return valid


def _stored_author_names(publication_ids: list[int]) -> dict[int, list[str]]:
    names = defaultdict(list)
    for chunk in _chunks(publication_ids):
        authors = Author.objects.filter(publication_id__in=chunk).order_by("publication_id", "position", "id")
        for publication_id, name in authors.values_list("publication_id", "name"):
            names[publication_id].append(name)
    return names


def _same(key: str, stored, given) -> bool:
    """Text differing only in spacing is the same: exports (ours too) fold line breaks and runs of spaces."""
    if key in TEXT_FIELDS and isinstance(stored, str) and isinstance(given, str):
        return fold(stored) == fold(given)
    return stored == given


def plan(rows: list[Row], problems: list[Problem]) -> list[Row]:
    """Decide each row's action (create, update, skip) and, for updates, what changes; the rows still valid."""
    stored = _stored_author_names([row.publication.pk for row in rows if row.publication is not None])
    valid = []
    for row in rows:
        publication = row.publication
        if publication is None:
            row.action = "create"
            if not row.fields.get("kind"):
                problems.append(Problem(row.line, "kind", "The kind is required to create a publication."))
                continue
        else:
            row.changes = {
                key: value for key, value in row.fields.items() if not _same(key, getattr(publication, key), value)
            }
            # "Curie, Marie" stored is "Marie Curie" in a file (ours export it so); row.authors are folded.
            stored_names = [name_as_read_back(name) for name in stored.get(publication.pk, [])]
            row.authors_change = bool(row.authors) and row.authors != stored_names
            row.action = "update" if row.changes or row.authors_change else "skip"
        valid.append(row)
    return valid


# --- People -------------------------------------------------------------------------------------


def person_linker(rows: list[Row]) -> Callable[[str], User | None]:
    """name → the one active person with that full name (ignoring case and spacing), or None."""
    if not any(row.authors for row in rows if row.action != "skip"):
        return lambda name: None
    people = defaultdict(list)
    for person in User.objects.filter(is_active=True).only("pk", "given_name", "family_name").order_by("pk"):
        people[fold_title(person.full_name)].append(person)

    def link(name: str) -> User | None:
        found = people.get(fold_title(name), [])
        return found[0] if len(found) == 1 else None

    return link


def _author_dicts(names: list[str], link) -> list[dict]:
    return [{"person": link(name), "name": name, "orcid": ""} for name in names]


# --- Writing ------------------------------------------------------------------------------------


def _write(rows: list[Row], progress) -> list[Problem]:
    link = person_linker(rows)
    problems = []
    for row in progress(rows):
        authors = _author_dicts(row.authors, link) if row.authors else None
        try:
            if row.action == "create":
                services.publication_create(authors=authors, **row.fields)
            elif row.action == "update":
                services.publication_update(
                    publication=row.publication, authors=authors if row.authors_change else None, **row.changes
                )
        except ValidationError as exc:  # a race with another writer; the row's savepoint is rolled back
            errors = {}
            _add(errors, NON_FIELD, exc)
            problems += [Problem(row.line, key, message) for key, messages in errors.items() for message in messages]
    return problems


def _no_progress(rows, **kwargs):
    return rows


def read_rows(data: bytes, *, format: str, encoding: str = "utf-8") -> tuple[list[Row], list[Problem]]:
    text, problem = decode(data, encoding)
    if problem is not None:
        return [], [problem]
    return read_bibtex(text) if format == "bibtex" else read_csv(text)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.field != NON_FIELD, p.field))


def import_publications(
    data: bytes, *, format: str, encoding: str = "utf-8", dry_run: bool = False, progress: Callable | None = None
) -> ImportResult:
    """Read, validate, match and (unless dry_run or anything is rejected) write a file's rows.

    `progress(rows)` may wrap the rows being written (a tqdm bar). Raises ValueError for an unknown
    format or encoding (the caller's mistake, not the file's)."""
    if format not in FORMATS:
        raise ValueError(f"Unknown format {format!r}; choose one of: {', '.join(FORMATS)}.")
    progress = progress or _no_progress
    result = ImportResult(dry_run=dry_run)
    rows, problems = read_rows(data, format=format, encoding=encoding)
    valid = []
    for row in rows:
        errors = clean_row(row)
        problems += [Problem(row.line, key, message) for key, messages in errors.items() for message in messages]
        if not errors:
            valid.append(row)
    valid = match(reject_duplicates(valid, problems), problems)
    valid = plan(valid, problems)
    counts = {action: sum(1 for row in valid if row.action == action) for action in ("create", "update", "skip")}
    result.created, result.updated, result.skipped = counts["create"], counts["update"], counts["skip"]
    if not problems and not dry_run:
        with transaction.atomic():
            problems += _write([row for row in valid if row.action != "skip"], progress)
            if problems:
                transaction.set_rollback(True)
    result.rejected = _sorted(problems)
    return result
