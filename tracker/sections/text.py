"""Counting and comparing words in section text."""

import difflib
import re
from dataclasses import dataclass

_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_TOKEN = re.compile(r"\s+|[^\s]+")


def count_words(text: str | None) -> int:
    """Words as a person counts them: runs of letters, digits, apostrophes and hyphens."""
    return len(_WORD.findall(text or ""))


@dataclass(frozen=True)
class Piece:
    """A run of text in a comparison: kept, added or removed."""

    kind: str  # "same", "added", "removed"
    text: str


def compare_words(before: str, after: str) -> list[Piece]:
    """A word-by-word comparison of two texts (white space kept, so the text reads normally)."""
    old, new = _TOKEN.findall(before or ""), _TOKEN.findall(after or "")
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(old[a1:a2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("removed", "".join(old[a1:a2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("added", "".join(new[b1:b2])))
    return pieces
