"""Counting words as a person would, and comparing two texts word by word."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tracker.sections.text import MAX_PAIRS, Piece, changed_words, compare_words, count_words

WORD_COUNTS = [
    ("", 0),
    (None, 0),
    ("   \n\t ", 0),
    ("The quick brown fox", 4),
    ("co-operate, it's the region’s work", 5),
    ("Costs: £1,500,000 over 2 years (2023–2025).", 7),
    ("3.5 million, 2.5, and 12,000.", 5),
    ("naïve café Zürich", 3),
    ("- first point\n- second point\n\n---\n\n1. numbered", 6),
    ("## Heading\n\n**Bold** and _emphasis_ and `code`", 6),
    ("[a link](https://www.ukri.org)", 6),
    ("__ -- ' ’ - * #", 0),
]


@pytest.mark.parametrize("text,words", WORD_COUNTS)
def test_count_words(text, words):
    assert count_words(text) == words


def test_count_words_is_quick_on_a_long_run_of_marks():
    assert count_words("-" * 50_000 + " word") == 1


def test_the_browser_counts_words_as_the_server_does():
    """static/src/word-count.mjs gives the live count; it must agree with count_words."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (npm run build needs it too)")
    module = Path(__file__).parent.parent / "static" / "src" / "word-count.mjs"
    texts = [text for text, _ in WORD_COUNTS if text is not None]
    script = (
        f"import {{ countWords, wordCountMessage }} from {json.dumps(module.as_uri())};"
        f"const texts = {json.dumps(texts)};"
        "console.log(JSON.stringify({counts: texts.map(countWords),"
        " messages: [wordCountMessage(1, 400), wordCountMessage(400, 400), wordCountMessage(412, 400)]}));"
    )
    result = subprocess.run(  # noqa: S603 - node on our own module
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, check=True,
    )
    answer = json.loads(result.stdout)
    assert answer["counts"] == [count_words(text) for text in texts]
    assert answer["messages"] == [
        "You have 1 word of 400", "You have 400 words of 400", "You have 412 words of 400: 12 over the limit",
    ]


def test_a_changed_word_is_removed_and_added():
    assert compare_words("the quick brown fox", "the slow brown fox") == [
        Piece("same", "the "), Piece("removed", "quick"), Piece("added", "slow"),
        Piece("same", " brown fox"),
    ]


def test_words_added_and_removed_at_either_end():
    assert compare_words("brown fox", "the brown fox jumps") == [
        Piece("added", "the "), Piece("same", "brown fox"), Piece("added", " jumps"),
    ]
    assert compare_words("the brown fox jumps", "brown fox") == [
        Piece("removed", "the "), Piece("same", "brown fox"), Piece("removed", " jumps"),
    ]


def test_each_side_of_a_comparison_reads_as_its_own_text():
    before = "## Risks\n\nDelays in the supply chain.\n\n- staff\n- costs"
    after = "## Risks\n\nDelays in the chain of supply.\n\n- staff turnover\n- costs"
    pieces = compare_words(before, after)
    assert "".join(p.text for p in pieces if p.kind != "added") == before
    assert "".join(p.text for p in pieces if p.kind != "removed") == after


def test_a_change_of_spacing_alone_keeps_the_words():
    pieces = compare_words("one two\n\nthree", "one two three")
    assert pieces == [
        Piece("same", "one two"), Piece("removed", "\n\n"), Piece("added", " "), Piece("same", "three"),
    ]
    assert changed_words(pieces) == (0, 0)


def test_empty_texts():
    assert compare_words("", "") == []
    assert compare_words("", "new words") == [Piece("added", "new words")]
    assert compare_words("old words", "") == [Piece("removed", "old words")]


def test_identical_texts_are_all_the_same():
    assert compare_words("Same text.\n", "Same text.\n") == [Piece("same", "Same text.\n")]


def test_changed_words_counts_words_not_pieces():
    pieces = compare_words("the quick brown fox", "the very slow brown dog")
    assert changed_words(pieces) == (3, 2)


def test_two_long_wholly_different_texts_are_compared_as_one_change():
    """Word-by-word matching of two long, unrelated texts would take seconds; past MAX_PAIRS
    the changed middle is shown as one removal and one addition, still reading correctly."""
    size = int(MAX_PAIRS ** 0.5) + 1
    before = "start " + " ".join(f"a{n}" for n in range(size)) + " end"
    after = "start " + " ".join(f"b{n}" for n in range(size)) + " end"
    pieces = compare_words(before, after)
    assert [p.kind for p in pieces] == ["same", "removed", "added", "same"]
    assert "".join(p.text for p in pieces if p.kind != "added") == before
    assert "".join(p.text for p in pieces if p.kind != "removed") == after
