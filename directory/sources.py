"""Checking quotes against the source documents' text."""

import re
from functools import cache
from pathlib import Path

from django.conf import settings

# The 2023 letter lost letter pairs in its conversion to text: "tt" became "t"
# ("Atendance"), and "ti" and "ft" became U+FFFD ("mul�", "o�en"). Quotes are
# written with the letters restored; both sides are folded the same way.
_PAIR_LOSSES = [("tt", "t"), ("ti", "\ufffd"), ("ft", "\ufffd")]
_QUOTE_MARKS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def seeds_dir():
    return Path(getattr(settings, "SEEDS_DIR", settings.BASE_DIR / "sources" / "documents"))


def fold(text, *, lost_pairs=False):
    """Normalise text for comparison: one space for any whitespace, plain quote marks, no markdown emphasis."""
    text = text.translate(_QUOTE_MARKS).replace("*", "")
    text = re.sub(r"\s+", " ", text).strip()
    if lost_pairs:
        for pair, replacement in _PAIR_LOSSES:
            text = text.replace(pair, replacement)
    return text


@cache
def document_text(filename, lost_pairs=False):
    return fold((seeds_dir() / filename).read_text(encoding="utf-8"), lost_pairs=lost_pairs)


def quote_in_document(quote, filename):
    """True when ``quote`` appears in the document (whitespace and letter-pair losses allowed for)."""
    if fold(quote) in document_text(filename):
        return True
    return fold(quote, lost_pairs=True) in document_text(filename, lost_pairs=True)
