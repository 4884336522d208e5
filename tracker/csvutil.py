"""CSV cells that spreadsheets will not run as formulas, for every CSV the tracker writes or reads."""

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str | int:
    """A CSV cell that a spreadsheet will not run as a formula: text starting with = + - @,
    a tab or a carriage return gets a leading quote mark; None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unguarded(text: str) -> str:
    """What `safe_cell` guarded, as it was: the leading quote mark it added comes off again,
    so a file exported and imported unchanged reads back the same text."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
