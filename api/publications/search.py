"""`q` on publications: every word of the query starts a word of the title, abstract, keywords or an
author's name, ignoring case and accents ("lith" finds "Lithography", "muller" finds "Müller").

The words live in their own table (SearchWord), rewritten with the publication by the services, and
a search seeks them by prefix through its index. LIKE '%word%' over the text instead read every
abstract on every search: 140-280 ms for a COUNT over 50,000 publications (bench/), with no index
that SQL Server or PostgreSQL could use for it. A prefix seek is the same `LIKE 'word%'` on SQLite,
PostgreSQL and SQL Server, and needs no full-text catalog (SQL Server's FTS component is not in the
plain image). Matching whole-word prefixes, not substrings, is also what CONTAINS would do there.
"""

import re
import unicodedata
from collections import defaultdict

from django.apps import apps as installed_apps
from django.db import transaction
from django.db.models import Count

from api.publications.access import public_from
from api.publications.models import Author, SearchWord

MAX_WORD = 40  # SearchWord.word's length: longer words are kept, and searched, by their first 40 characters
MAX_QUERY_WORDS = 8  # a longer `q` is cut: each word is one more subquery
CHUNK = 500  # publications per batch when rebuilding; words per DELETE (SQL Server's 2,100 parameters)
_WORDS = re.compile(r"[^\W_]+")  # letters and digits; '_', punctuation and spaces separate words


def fold(text: str) -> str:
    """Lower case (casefold: "ß" is "ss") without accents, compatibility forms spelled out ("ﬁ" is "fi")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(*texts: str) -> set[str]:
    return {word[:MAX_WORD] for text in texts if text for word in _WORDS.findall(fold(text))}


def query_words(q: str) -> list[str]:
    """The words of a `q`, folded as the stored ones are, in order, each once, at most MAX_QUERY_WORDS."""
    words = [word[:MAX_WORD] for word in _WORDS.findall(fold(q))]
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]


def matching(queryset, q: str):
    """The publications of `queryset` having, for each word of `q`, a word that starts with it. A `q`
    with no letter or digit in it (only punctuation) finds nothing."""
    words = query_words(q)
    if not words:
        return queryset.none()
    for word in words:
        queryset = queryset.filter(pk__in=SearchWord.objects.filter(word__startswith=word).values("publication_id"))
    return queryset


def count(queryset, q: str) -> int:
    """`matching(queryset, q).count()`, counted from the first word's side: COUNT(DISTINCT publication)
    over that word's rows whose publication is in `queryset` (and has the other words). The same number;
    but PostgreSQL (before 18) answers `queryset.count()` by de-duplicating all of the word's rows and
    hashing them, where this hashes the (visible) publications and reads the rows past them: 47 -> 27 ms
    for a word in most of the bench's 50,000 publications, the first time each search is counted."""
    listed = queryset.values("pk")
    return _count(q, lambda first: SearchWord.objects.filter(word__startswith=first, publication_id__in=listed))


def count_public(q: str, on) -> int:
    """`count(visitors' list, q)` for the list a visitor sees on day `on` (access.public_on), unfiltered
    otherwise: the first word's rows tell the day each publication becomes public, so no publication is
    read for them (bench/: 46 first searches 1.4 -> 0.4 s; each of those was a hash of 19,000 visible
    publications, built again for every word)."""
    return _count(q, lambda first: SearchWord.objects.filter(word__startswith=first, public_from__lte=on))


def _count(q: str, first_rows) -> int:
    words = query_words(q)
    if not words:
        return 0
    first, *rest = words
    rows = first_rows(first)
    for word in rest:  # a join per word (each filter() on a many-valued relation joins anew): 41-55 -> 25-37 ms
        rows = rows.filter(publication__search_words__word__startswith=word)
    return rows.aggregate(n=Count("publication_id", distinct=True))["n"]


def index(publication) -> None:
    """Bring one publication's words up to date with its fields, authors, access and embargo, as saved.
    The services call it in the write's transaction, so a search never sees words of another version."""
    names = Author.objects.filter(publication_id=publication.pk).values_list("name", flat=True)
    wanted = words_of(publication.title, publication.abstract, publication.keywords, *names)
    day = public_from(publication.access, publication.embargo_until)
    stored = dict(SearchWord.objects.filter(publication_id=publication.pk).values_list("word", "public_from"))
    gone = sorted(stored.keys() - wanted)
    for start in range(0, len(gone), CHUNK):
        SearchWord.objects.filter(publication_id=publication.pk, word__in=gone[start : start + CHUNK]).delete()
    if any(stored[word] != day for word in stored.keys() & wanted):
        SearchWord.objects.filter(publication_id=publication.pk).update(public_from=day)
    added = sorted(wanted - stored.keys())
    SearchWord.objects.bulk_create(
        [SearchWord(publication_id=publication.pk, word=word, public_from=day) for word in added], batch_size=CHUNK
    )


def rebuild(apps=installed_apps, *, log=None) -> int:
    """Rewrite every publication's words, CHUNK publications at a time: after a migration (which
    passes its historical `apps`) or a load that bypassed the services (bench/, `manage.py
    publications_reindex`). Returns the number of words written."""
    Publication = apps.get_model("publications", "Publication")
    Author = apps.get_model("publications", "Author")
    SearchWord = apps.get_model("publications", "SearchWord")
    # Migration 0004 runs this before SearchWord had the day (added by 0008, which fills it in itself).
    with_day = any(field.name == "public_from" for field in SearchWord._meta.fields)
    written = 0
    ids = list(Publication.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        names = defaultdict(list)
        for publication_id, name in Author.objects.filter(publication_id__in=chunk).values_list(
            "publication_id", "name"
        ):
            names[publication_id].append(name)
        rows = [
            SearchWord(publication_id=pk, word=word, **day)
            for pk, title, abstract, keywords, level, embargo in Publication.objects.filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "title", "abstract", "keywords", "access", "embargo_until")
            for day in [{"public_from": public_from(level, embargo)} if with_day else {}]
            for word in sorted(words_of(title, abstract, keywords, *names[pk]))
        ]
        with transaction.atomic():  # a search never sees a chunk without its words
            SearchWord.objects.filter(publication_id__in=chunk).delete()
            SearchWord.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
        if log:
            log(f"{min(start + CHUNK, len(ids))} of {len(ids)} publications: {written} words")
    return written
