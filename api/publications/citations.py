"""Citations of publications as BibTeX, RIS and CSL-JSON: pure functions of the rows, no HTTP.

The writers are bibtexparser (BibTeX), rispy (RIS) and json (CSL-JSON); this module decides what
goes into each field. Text is cleaned once (`fold`: no newlines or control characters) and, for
BibTeX, LaTeX-escaped (`latex_escape`), so any title, name or abstract reads back unchanged.

`read_in_chunks` loads the rows to cite: at most CHUNK_SIZE publications per query and per author
prefetch, so no IN list ever passes SQL Server's 2100-parameter limit (sqlserver.md).
"""

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import bibtexparser
import rispy
from bibtexparser.middlewares import AddEnclosingMiddleware
from bibtexparser.model import Entry, Field
from django.db.models import Prefetch, QuerySet

from api.core.pagination import with_total_order
from api.publications.models import Author, Publication

Kind = Publication.Kind
CHUNK_SIZE = 1000
DOI_RESOLVER = "https://doi.org/"
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class Format:
    name: str
    content_type: str
    extension: str


FORMATS = {
    "bibtex": Format("bibtex", "application/x-bibtex; charset=utf-8", "bib"),
    "ris": Format("ris", "application/x-research-info-systems; charset=utf-8", "ris"),
    "csl-json": Format("csl-json", "application/vnd.citationstyles.csl+json", "json"),
}

BIBTEX_TYPES = {
    Kind.PAPER: "article",
    Kind.REPORT: "techreport",
    Kind.THESIS: "phdthesis",
    Kind.PRESENTATION: "misc",
    Kind.PATENT: "misc",
    Kind.OTHER: "misc",
}
# The BibTeX field that names the venue, by entry type.
BIBTEX_VENUE_FIELDS = {"article": "journal", "techreport": "institution", "phdthesis": "school", "misc": "howpublished"}
RIS_TYPES = {
    Kind.PAPER: "JOUR",
    Kind.REPORT: "RPRT",
    Kind.THESIS: "THES",
    Kind.PRESENTATION: "SLIDE",
    Kind.PATENT: "PAT",
    Kind.OTHER: "GEN",
}
CSL_TYPES = {
    Kind.PAPER: "article-journal",
    Kind.REPORT: "report",
    Kind.THESIS: "thesis",
    Kind.PRESENTATION: "speech",
    Kind.PATENT: "patent",
    Kind.OTHER: "document",
}
# Reports and theses name an institution (the publisher in CSL); everything else a container or event.
CSL_VENUE_FIELDS = {Kind.REPORT: "publisher", Kind.THESIS: "publisher"}


# --- Text ---------------------------------------------------------------------------------------


def fold(text: str | None) -> str:
    """One line: control characters dropped, runs of whitespace (newlines too) one space."""
    text = "".join(" " if unicodedata.category(ch) in {"Cc", "Zl", "Zp"} else ch for ch in text or "")
    return " ".join(text.split())


# LaTeX's meaning of each character that is special to BibTeX or LaTeX. Braces become commands, not
# `\{`: BibTeX counts every brace, escaped or not, so one stray `{` in a title would break the file.
LATEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        '"': '{"}',
        "%": r"\%",
        "&": r"\&",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "^": r"\textasciicircum{}",
        "~": r"\textasciitilde{}",
        "@": "{@}",
    }
)


# TeX's ligatures: `--` prints an en dash, two backquotes or quotes curly quotes, `!`` and `?`` inverted
# marks. An empty group between the two characters prints them as typed.
LIGATURES = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[!?])(?=`)")


def latex_escape(text: str | None) -> str:
    """Folded and escaped for a braced BibTeX value; non-ASCII stays UTF-8 (BibTeX tools read it)."""
    return LIGATURES.sub("{}", fold(text).translate(LATEX_ESCAPES))


def ascii_word(text: str) -> str:
    """Letters and digits only, accents dropped: `Über` → `Uber`."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded)


# --- Names ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    """An author's name split for citations. `family` keeps its particles ("van Beethoven");
    `literal` is a name that cannot be split safely (an organisation, "Lab A and B")."""

    family: str = ""
    given: str = ""
    literal: str = ""


_NAME_CHARACTERS = re.compile(r"^[\w\s.'\u2019\-,]+$")  # \u2019: the typographic apostrophe


def _splittable(text: str) -> bool:
    words = text.replace(",", " ").lower().split()
    return bool(
        words
        and _NAME_CHARACTERS.match(text)
        and not any(ch.isdigit() or ch == "_" for ch in text)
        and "and" not in words
        and text.count(",") <= 1
    )


def split_name(text: str) -> Name:
    """A printed name as BibTeX reads one: "Family, Given" or "Given von Family"; a single word is
    a family name; anything else (digits, symbols, "and", several commas) stays literal."""
    text = fold(text)
    if not _splittable(text):
        return Name(literal=text)
    if "," in text:
        family, given = (fold(part) for part in text.split(","))
        return Name(family=family, given=given) if family and given else Name(literal=text)
    words = text.split()
    if len(words) == 1:
        return Name(family=words[0])
    # The family name starts at the first lower-case word ("van", "de la"), else it is the last word.
    start = next((i for i in range(len(words) - 1) if words[i][0].islower()), len(words) - 1)
    return Name(family=" ".join(words[start:]), given=" ".join(words[:start]))


def name_as_read_back(text: str) -> str:
    """A printed name as a BibTeX reader gives it back from our export: "Curie, Marie" (one comma: family
    first) is "Marie Curie"; any other name is itself, folded. The importer compares names this way."""
    name = split_name(text)
    return name.literal or fold(f"{name.given} {name.family}")


def author_name(author: Author) -> Name:
    """A linked person's own given and family names when the printed name is theirs, else the
    printed name split."""
    person = author.person
    if person is not None and fold(author.name) == fold(person.full_name) and person.family_name.strip():
        family, given = fold(person.family_name), fold(person.given_name)
        if _splittable(family) and (not given or _splittable(given)) and "," not in family + given:
            return Name(family=family, given=given)
    return split_name(author.name)


def authors_of(publication: Publication) -> list[Name]:
    return [author_name(author) for author in publication.authors.all()]


# --- Citation keys ------------------------------------------------------------------------------

_SKIPPED_TITLE_WORDS = {"a", "an", "the"}


def citation_key(publication: Publication) -> str:
    """First author's family name, year and first title word, ASCII only: `beethoven2021uber`."""
    names = authors_of(publication)
    if not names:
        who = "anon"
    elif names[0].literal:
        who = ascii_word(names[0].literal.split()[0])
    else:
        who = ascii_word(names[0].family)
    words = [ascii_word(word) for word in fold(publication.title).split()]
    first = next((word for word in words if word and word.lower() not in _SKIPPED_TITLE_WORDS), "")
    key = f"{who or 'anon'}{publication.year}{first}".lower()
    return key[:60]


def _suffix(number: int) -> str:
    """1 → a, 26 → z, 27 → aa."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def citation_keys(publications: list[Publication]) -> list[str]:
    """One key each, unique within the list: repeats get a, b, c... in list order."""
    used: set[str] = set()
    keys = []
    for publication in publications:
        base = key = citation_key(publication)
        number = 0
        while key in used:
            number += 1
            key = base + _suffix(number)
        used.add(key)
        keys.append(key)
    return keys


# --- BibTeX ---------------------------------------------------------------------------------------


def _bibtex_name(name: Name) -> str:
    if name.literal:
        return "{" + latex_escape(name.literal) + "}"
    if not name.given:
        return latex_escape(name.family)
    return f"{latex_escape(name.family)}, {latex_escape(name.given)}"


def _bibtex_doi(doi: str) -> str:
    # A DOI is read verbatim (biblatex); only characters that would break the braces are encoded.
    return doi.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def bibtex_entry(publication: Publication, key: str) -> Entry:
    entry_type = BIBTEX_TYPES.get(publication.kind, "misc")
    fields = []
    names = authors_of(publication)
    if names:
        fields.append(Field("author", " and ".join(_bibtex_name(name) for name in names)))
    # Double braces keep the title's capitalisation in every style.
    fields.append(Field("title", "{" + latex_escape(publication.title) + "}"))
    fields.append(Field("year", str(publication.year)))
    if publication.published_on:
        fields.append(Field("month", MONTHS[publication.published_on.month - 1], enclosing="no-enclosing"))
    if publication.venue:
        fields.append(Field(BIBTEX_VENUE_FIELDS[entry_type], latex_escape(publication.venue)))
    if publication.kind == Kind.PATENT:
        fields.append(Field("note", "Patent"))
    if entry_type == "misc":  # misc says nothing of the kind; our importer reads this field back
        fields.append(Field("kind", publication.kind))
    if publication.doi:
        fields.append(Field("doi", _bibtex_doi(publication.doi)))
    if publication.keyword_list:
        fields.append(Field("keywords", latex_escape(", ".join(publication.keyword_list))))
    if publication.abstract:
        fields.append(Field("abstract", latex_escape(publication.abstract)))
    return Entry(entry_type, key, fields)


def to_bibtex(publications: Iterable[Publication]) -> str:
    publications = list(publications)
    entries = [bibtex_entry(p, key) for p, key in zip(publications, citation_keys(publications), strict=True)]
    library = bibtexparser.Library(entries)
    # Everything braced (the year too); the entries were made here, so modifying them in place is fine.
    enclose = AddEnclosingMiddleware(
        reuse_previous_enclosing=False, enclose_integers=True, default_enclosing="{", allow_inplace_modification=True
    )
    return bibtexparser.write_string(library, unparse_stack=[enclose])


# --- RIS ------------------------------------------------------------------------------------------


class RisWriter(rispy.RisWriter):
    """rispy's writer without its numbered header lines ("1."), with the CRLF line ends of the spec."""

    NEWLINE = "\r\n"

    def set_header(self, count):
        return ""


def _ris_name(name: Name) -> str:
    if name.literal:
        return name.literal
    return f"{name.family}, {name.given}" if name.given else name.family


def ris_record(publication: Publication, key: str) -> dict:
    kind = RIS_TYPES.get(publication.kind, "GEN")
    record = {"type_of_reference": kind, "id": key}
    names = authors_of(publication)
    if names:
        record["authors"] = [_ris_name(name) for name in names]
    record["title"] = fold(publication.title)
    record["year"] = str(publication.year)
    if publication.published_on:
        record["date"] = publication.published_on.strftime("%Y/%m/%d/")
    venue = fold(publication.venue)
    if venue:
        if kind == "JOUR":
            record["journal_name"] = venue
        record["secondary_title"] = venue
    if publication.doi:
        record["doi"] = fold(publication.doi)
        record["urls"] = [DOI_RESOLVER + fold(publication.doi)]
    if publication.keyword_list:
        record["keywords"] = [fold(word) for word in publication.keyword_list]
    if publication.abstract:
        record["abstract"] = fold(publication.abstract)
    return record


def to_ris(publications: Iterable[Publication]) -> str:
    publications = list(publications)
    records = [ris_record(p, key) for p, key in zip(publications, citation_keys(publications), strict=True)]
    return rispy.dumps(records, implementation=RisWriter)


# --- CSL-JSON -------------------------------------------------------------------------------------


def _csl_name(name: Name) -> dict:
    if name.literal:
        return {"literal": name.literal}
    return {"family": name.family, "given": name.given} if name.given else {"family": name.family}


def csl_item(publication: Publication, key: str) -> dict:
    item = {
        "id": key,
        "type": CSL_TYPES.get(publication.kind, "document"),
        "title": fold(publication.title),
        "author": [_csl_name(name) for name in authors_of(publication)],
    }
    date = publication.published_on
    parts = [date.year, date.month, date.day] if date else [publication.year]
    item["issued"] = {"date-parts": [parts]}
    if publication.venue:
        item[CSL_VENUE_FIELDS.get(publication.kind, "container-title")] = fold(publication.venue)
    if publication.doi:
        item["DOI"] = publication.doi
        item["URL"] = DOI_RESOLVER + publication.doi
    if publication.keyword_list:
        item["keyword"] = ", ".join(publication.keyword_list)
    if publication.abstract:
        item["abstract"] = publication.abstract.strip()
    return item


def to_csl_json(publications: Iterable[Publication]) -> str:
    publications = list(publications)
    items = [csl_item(p, key) for p, key in zip(publications, citation_keys(publications), strict=True)]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


WRITERS = {"bibtex": to_bibtex, "ris": to_ris, "csl-json": to_csl_json}


def render(format_name: str, publications: Iterable[Publication]) -> str:
    return WRITERS[format_name](publications)


# --- Reading --------------------------------------------------------------------------------------


def citation_authors() -> QuerySet[Author]:
    """Only what a citation needs of an author: the name, in order, and a linked person's names."""
    return (
        Author.objects.select_related("person")
        .only("publication", "position", "name", "person__given_name", "person__family_name")
        .order_by("position", "id")
    )


def with_authors(queryset: QuerySet[Publication]) -> QuerySet[Publication]:
    return queryset.prefetch_related(None).prefetch_related(Prefetch("authors", queryset=citation_authors()))


def export_ids(queryset: QuerySet[Publication], limit: int) -> QuerySet:
    """The ids of `queryset` in its order with the primary key as tie-breaker, at most `limit` + 1 of
    them (one more than allowed tells the caller there are too many): one small query."""
    return with_total_order(queryset).prefetch_related(None).values_list("pk", flat=True)[: limit + 1]


def read_in_chunks(ids: list[int], chunk_size: int | None = None) -> Iterator[Publication]:
    """The publications of `ids` in that order, loaded CHUNK_SIZE at a time (two queries a chunk)."""
    chunk_size = chunk_size or CHUNK_SIZE
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        rows = {row.pk: row for row in with_authors(Publication.objects.filter(pk__in=chunk))}
        yield from (rows[pk] for pk in chunk if pk in rows)
