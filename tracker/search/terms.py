"""What the reader typed, as the words to look for: letters and digits only, so nothing they
type is ever read as search syntax, and capped in length."""

import re
from dataclasses import dataclass

# A query longer than this is cut (a search box, not a place to paste a document).
MAX_QUERY_LENGTH = 200
# At most this many words are looked for; every one of them must match.
MAX_WORDS = 10

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchTerms:
    """The words to look for (lower case, each once, in the order typed) and whether the query
    was cut to fit the caps."""

    words: tuple[str, ...]
    shortened: bool = False

    def __bool__(self) -> bool:
        return bool(self.words)

    @property
    def text(self) -> str:
        """The words as one string, as the full-text functions take them."""
        return " ".join(self.words)


def parse(query: str) -> SearchTerms:
    """The words in what the reader typed: punctuation and symbols are dropped, so a query of
    only punctuation has no words."""
    kept = query[:MAX_QUERY_LENGTH]
    words = list(dict.fromkeys(word.lower() for word in _WORD.findall(kept)))
    shortened = len(query) > MAX_QUERY_LENGTH or len(words) > MAX_WORDS
    return SearchTerms(tuple(words[:MAX_WORDS]), shortened)
