"""Emails stored in lower case (api.core.fields.LowercaseEmailField): one address whatever its case and
surrounding spaces, on every database, in lookups as in the unique constraint."""

import pytest
from django.db import IntegrityError
from hypothesis import given
from hypothesis import strategies as st

from api.accounts.models import User
from tests import factories
from tests.properties.support import DATABASE, rolled_back

# Any letter case: ASCII local parts and domains, so that SQL Server's collation, SQLite's and PostgreSQL's
# agree on what "the same" is (accented capitals are another matter, outside what this field promises).
emails = st.emails().filter(lambda email: email.isascii() and len(email) <= 200)


def variant(email: str, mask: int, spaces: str) -> str:
    """The email with the letters whose bit is set in `mask` in upper case, the others in lower case."""
    return spaces + "".join(ch.upper() if mask >> i & 1 else ch.lower() for i, ch in enumerate(email)) + spaces


@DATABASE
@given(emails, st.integers(0, 2**200), st.sampled_from(["", " ", "  "]))
def test_an_email_is_one_address_whatever_its_case(db, email, mask, spaces):
    written = variant(email, mask, spaces)
    with rolled_back():
        user = factories.UserFactory(email=written)
        user.refresh_from_db()
        assert user.email == email.lower()
        assert User.objects.get(email=email.upper()).pk == user.pk
        with pytest.raises(IntegrityError), rolled_back():
            factories.UserFactory(email=email.swapcase())
