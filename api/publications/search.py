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
    words = query_words(q)
    if not words:
        return 0
    first, *rest = words
    rows = SearchWord.objects.filter(word__startswith=first, publication_id__in=queryset.values("pk"))
    for word in rest:  # a join per word (each filter() on a many-valued relation joins anew): 41-55 -> 25-37 ms
        rows = rows.filter(publication__search_words__word__startswith=word)
    return rows.aggregate(n=Count("publication_id", distinct=True))["n"]


def index(publication) -> None:
    """Bring one publication's words up to date with its fields and authors, as saved. The services
    call it in the write's transaction, so a search never sees words of another version of the row."""
    names = Author.objects.filter(publication_id=publication.pk).values_list("name", flat=True)
    wanted = words_of(publication.title, publication.abstract, publication.keywords, *names)
    stored = set(SearchWord.objects.filter(publication_id=publication.pk).values_list("word", flat=True))
    gone = sorted(stored - wanted)
    for start in range(0, len(gone), CHUNK):
        SearchWord.objects.filter(publication_id=publication.pk, word__in=gone[start : start + CHUNK]).delete()
    SearchWord.objects.bulk_create(
        [SearchWord(publication_id=publication.pk, word=word) for word in sorted(wanted - stored)], batch_size=CHUNK
    )


def rebuild(apps=installed_apps, *, log=None) -> int:
    """Rewrite every publication's words, CHUNK publications at a time: after a migration (which
    passes its historical `apps`) or a load that bypassed the services (bench/, `manage.py
    publications_reindex`). Returns the number of words written."""
    Publication = apps.get_model("publications", "Publication")
    Author = apps.get_model("publications", "Author")
    SearchWord = apps.get_model("publications", "SearchWord")
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
            SearchWord(publication_id=pk, word=word)
            for pk, title, abstract, keywords in Publication.objects.filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "title", "abstract", "keywords")
            for word in sorted(words_of(title, abstract, keywords, *names[pk]))
        ]
        with transaction.atomic():  # a search never sees a chunk without its words
            SearchWord.objects.filter(publication_id__in=chunk).delete()
            SearchWord.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
        if log:
            log(f"{min(start + CHUNK, len(ids))} of {len(ids)} publications: {written} words")
    return written
