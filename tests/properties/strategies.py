"""Publications as Hypothesis draws them: valid field values, within the model's limits."""

from hypothesis import strategies as st

from api.publications.models import Publication

# Printable text of any script: no control characters or line/paragraph separators (the importer
# rejects the former and every writer folds both), no lone surrogates (not text at all).
PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))


def prose(max_size: int, min_size: int = 0):
    text = st.text(PRINTABLE, min_size=min_size, max_size=max_size)
    return text.filter(lambda value: value.strip()) if min_size else text


titles = prose(80, min_size=1)
years = st.integers(1900, 2100)
kinds = st.sampled_from(Publication.Kind.values)
accesses = st.sampled_from(Publication.Access.values)
dois = st.builds(
    "10.{}/{}".format,
    st.from_regex(r"\A[0-9]{4,9}\Z"),
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=30),
)
# "Given Family" as people print them: letters (any script), apostrophes, hyphens and dots.
name_words = st.from_regex(r"\A[^\W\d_][\w'.\-]{0,10}\Z").filter(
    lambda word: "_" not in word and not word[-1].isdigit()
)
author_names = st.lists(name_words, min_size=1, max_size=3).map(" ".join)
keyword_lists = st.lists(st.one_of(st.from_regex(r"\A[^\W_]{1,12}( [^\W_]{1,12})?\Z"), prose(15)), max_size=4)


def distinct_dois(items: list[dict]) -> bool:
    """No two items share a DOI, ignoring case (the importer would reject both)."""
    given = [item["doi"].lower() for item in items if "doi" in item]
    return len(set(given)) == len(given)
