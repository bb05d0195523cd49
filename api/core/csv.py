"""CSV cells that a spreadsheet opens as text, never as a formula (CSV injection, OWASP).

A cell starting with = + - @ (or a tab or carriage return, which some spreadsheets strip before
looking) is prefixed with an apostrophe. Used by every CSV Wafer writes (event attendance, reports).
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A spreadsheet never runs a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
