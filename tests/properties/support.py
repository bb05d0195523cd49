"""Hypothesis settings and strategies shared by the property tests.

Settings are applied per test (decorators), not as a global profile: tests/contract runs
schemathesis, whose Hypothesis settings must stay its own. `derandomize=True` makes every run draw the
same examples (CI failures reproduce; nothing is stored in a .hypothesis database), `deadline=None`
because a loaded CI box is slow in bursts, and the example counts keep tests/properties within a minute.

A failing example's values print blank (`n=,`) while schemathesis's pytest plugin is loaded: run these
tests with `-p no:schemathesis` to read them.
"""

import contextlib
import os

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# WAFER_PROPERTIES_EXPLORE=N: N times the examples, and new ones on every run: a local hunt for bugs
# (CI leaves it unset, so its runs stay derandomized and within budget).
EXPLORE = int(os.environ.get("WAFER_PROPERTIES_EXPLORE") or 0)

# Pure functions: cheap, so more examples.
PURE = settings(
    derandomize=not EXPLORE,
    deadline=None,
    database=None,
    max_examples=75 * max(EXPLORE, 1),
    suppress_health_check=[HealthCheck.too_slow],
)
# Anything that writes to or reads from the database, or goes through the API.
DATABASE = settings(
    PURE,
    max_examples=25 * max(EXPLORE, 1),
    # The database fixtures are function-scoped on purpose: each example runs in its own savepoint
    # (`rolled_back`), so what one example writes never reaches the next.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextlib.contextmanager
def rolled_back():
    """One example's writes, undone when it ends (the test's own transaction stays open)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# Digits that str.isdigit() accepts and int() refuses (superscript 2 and 12, circled 1), and ones int() reads
# (Arabic-Indic 3, fullwidth 12).
ODD_DIGITS = ["\u00b2", "\u00b9\u00b2", "\u0663", "\uff11\uff12", "\u2460"]

# Values a client may send in a query string: free text, numbers of every size and shape, dates and
# moments real and impossible, words, blanks.
query_values = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 10000), st.integers(0, 13), st.integers(0, 32)),
    st.sampled_from(["", " ", "true", "false", "null", "0", "1", "-1", "9999-12-31", "0001-01-01", *ODD_DIGITS]),
)
