"""Matching words marked safely: the database wraps each match in two private-use characters
(which nobody types), and `highlighted` turns the text into Markup from escaped pieces, the
matches inside <mark>. The text itself is never trusted as HTML."""

import re

from markupsafe import Markup, escape

START = "\ue000"
END = "\ue001"
_MARKERS = re.compile(f"([{START}{END}])")


def highlighted(marked: str | None) -> Markup:
    """Escaped text with <mark> around what lay between START and END."""
    pieces = []
    inside = False
    for piece in _MARKERS.split(marked or ""):
        if piece == START:
            inside = True
        elif piece == END:
            inside = False
        elif piece:
            pieces.append(Markup("<mark>{}</mark>").format(piece) if inside else escape(piece))
    return Markup("").join(pieces)
