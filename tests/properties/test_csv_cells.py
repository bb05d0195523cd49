"""CSV cells (api.core.csv): whatever the value, a spreadsheet never starts a formula from it, and the
text reads back from the CSV unchanged apart from the one apostrophe in front."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from api.core.csv import FORMULA_STARTS, csv_cell
from tests.properties.support import PURE

values = st.one_of(
    st.none(), st.integers(), st.floats(), st.text(max_size=30),
    st.tuples(st.sampled_from(FORMULA_STARTS), st.text(max_size=20)).map("".join),
)  # fmt: skip


@PURE
@given(st.lists(values, min_size=1, max_size=5))
def test_a_cell_is_never_a_formula_and_reads_back(row):
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(value) for value in row])
    (read,) = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    for value, cell in zip(row, read, strict=True):
        assert not cell.startswith(FORMULA_STARTS)
        text = "" if value is None else str(value)
        assert cell == ("'" + text if text.startswith(FORMULA_STARTS) else text)
