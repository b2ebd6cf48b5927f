"""
The one CSV writer of the plugin: every CSV it produces (pages, REST, exports for re-import) goes through
:func:`writer`, which neutralises spreadsheet formulas (CSV injection, OWASP "CSV Injection").

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return -- also after leading spaces or
line breaks, which spreadsheets skip -- gets a leading apostrophe, so a spreadsheet shows it as text instead of
running it (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``). Numbers (int, float, Decimal) are written as they are:
``-1.5`` is a value, not a formula. Importers of files the plugin exported take the apostrophe off again with
:func:`unescape`, so an export reads back to the same values.

``tests/test_csv_exports.py`` finds every CSV the plugin's URLs answer and checks it against planted formulas, and
that no other module writes CSV itself.
"""

import csv
import io
from decimal import Decimal

#: What a cell may start with for a spreadsheet to read it as a formula (or to shift it into the next cell).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SKIPPED = " \t\r\n\x0b\x0c"


def is_formula(text):
    """Whether a spreadsheet would treat ``text`` (a str) as a formula."""
    return text[:1] in FORMULA_STARTS or text.lstrip(_SKIPPED)[:1] in FORMULA_STARTS


def neutralise(value):
    """One cell as written: ``None`` as empty, numbers as they are, text with a formula after an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if is_formula(text) else text


def unescape(cell):
    """The value :func:`neutralise` wrote ``cell`` for (for importers of exported files)."""
    if cell.startswith("'") and is_formula(cell[1:]):
        return cell[1:]
    return cell


class SafeWriter:
    """``csv.writer`` whose rows are neutralised cell by cell."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **options):
    """A :class:`SafeWriter` on the text stream ``out`` (``options`` as for ``csv.writer``)."""
    return SafeWriter(out, **options)


def to_text(rows):
    """``rows`` (an iterable of sequences) as CSV text."""
    out = io.StringIO()
    writer(out).writerows(rows)
    return out.getvalue()
