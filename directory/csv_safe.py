"""One CSV writer for every export: no cell can run as a spreadsheet formula.

A spreadsheet treats a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=HYPERLINK(...)`` can send the sheet's contents to another site),
and some also after a leading tab or carriage return. Following OWASP's advice
on CSV injection, such a cell is written with a single quote in front
(``'=HYPERLINK(...)``): the spreadsheet shows the text, and nothing else in
the value changes.

The rule is the same for every cell, so a phone number written ``+44 ...``
is exported as ``'+44 ...`` (shown as ``+44 ...`` by a spreadsheet). Numbers
(``int``, ``float``, ``Decimal``) are written as numbers: only text can carry
a formula. :func:`restore` undoes the quote when a file we exported is
imported again, so export followed by import changes nothing.
"""

import csv
import decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(value):
    """``value`` as a cell that cannot run as a formula."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, decimal.Decimal)):
        return value
    value = str(value)
    if value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def restore(value):
    """An imported cell as it was before :func:`neutralise` (a value we did not quote is left as it is)."""
    if isinstance(value, str) and value.startswith(QUOTE) and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class Writer:
    """``csv.writer`` that neutralises every cell it writes."""

    def __init__(self, stream, **fmtparams):
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row):
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(stream, **fmtparams):
    return Writer(stream, **fmtparams)
