"""Counting and comparing words in section text."""

import difflib
import re
from dataclasses import dataclass

_RUN = re.compile(r"(?:[\w'’-]|(?<=\d)[.,](?=\d))+")  # 1,500,000 and 3.5 are one word each
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_TOKEN = re.compile(r"^\s+|\S+\s*")  # white space first, then each word with the space after it
# Above this many (removed x added) word pairs, a changed stretch is shown as one removal and
# one addition: a word-by-word match of two long, wholly different texts takes seconds.
MAX_PAIRS = 250_000


def count_words(text: str | None) -> int:
    """Words as a person counts them: runs of letters, digits, apostrophes and hyphens
    (and the commas and points inside numbers).

    A run needs a letter or a digit, so Markdown's marks ("-" bullets, "---" rules, "__"
    emphasis) are not words.
    """
    return sum(1 for run in _RUN.findall(text or "") if _LETTER_OR_DIGIT.search(run))


@dataclass(frozen=True)
class Piece:
    """A run of text in a comparison: kept, added or removed."""

    kind: str  # "same", "added", "removed"
    text: str


def compare_words(before: str, after: str) -> list[Piece]:
    """A word-by-word comparison of two texts, keeping their white space so each reads normally.

    Words are matched on their own; where only the space after a word changed (a new line, a
    new paragraph), the word is kept and the old and new space are shown removed and added.
    """
    old, new = _TOKEN.findall(before or ""), _TOKEN.findall(after or "")
    pieces: list[Piece] = []

    def add(kind: str, text: str) -> None:
        if not text:
            return
        if pieces and pieces[-1].kind == kind:
            pieces[-1] = Piece(kind, pieces[-1].text + text)
        else:
            pieces.append(Piece(kind, text))

    for op, a1, a2, b1, b2 in _opcodes([t.strip() for t in old], [t.strip() for t in new]):
        if op != "equal":
            removed, added = "".join(old[a1:a2]), "".join(new[b1:b2])
            space = _common_end_space(removed, added)
            add("removed", removed[:len(removed) - len(space)])
            add("added", added[:len(added) - len(space)])
            add("same", space)
            continue
        for was, now in zip(old[a1:a2], new[b1:b2], strict=True):
            word = was.strip()
            add("same", word)
            if was[len(word):] == now[len(word):]:
                add("same", was[len(word):])
            else:
                add("removed", was[len(word):])
                add("added", now[len(word):])
    return pieces


def _common_end_space(removed: str, added: str) -> str:
    """The white space both changed stretches end with, shown as kept rather than changed."""
    space = added[len(added.rstrip()):]
    return space if removed and added and removed.endswith(space) and removed.strip() else ""


def _opcodes(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes, with the common start and end matched first (an edit is usually
    small), and a long, wholly changed middle left as one replacement."""
    shortest = min(len(old), len(new))
    start = 0
    while start < shortest and old[start] == new[start]:
        start += 1
    end = 0
    while end < shortest - start and old[-1 - end] == new[-1 - end]:
        end += 1
    old_middle, new_middle = old[start:len(old) - end], new[start:len(new) - end]
    if len(old_middle) * len(new_middle) > MAX_PAIRS:
        middle = [("replace", 0, len(old_middle), 0, len(new_middle))]
    else:
        matcher = difflib.SequenceMatcher(a=old_middle, b=new_middle, autojunk=False)
        middle = matcher.get_opcodes()
    opcodes = [("equal", 0, start, 0, start)]
    opcodes += [(op, a1 + start, a2 + start, b1 + start, b2 + start) for op, a1, a2, b1, b2 in middle]
    opcodes.append(("equal", len(old) - end, len(old), len(new) - end, len(new)))
    return opcodes


def changed_words(pieces: list[Piece]) -> tuple[int, int]:
    """How many words a comparison adds and removes."""
    added = sum(count_words(piece.text) for piece in pieces if piece.kind == "added")
    removed = sum(count_words(piece.text) for piece in pieces if piece.kind == "removed")
    return added, removed
