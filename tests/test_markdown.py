"""Markdown is rendered and then cleaned with nh3: no script, handler or javascript: link."""

import pytest
from bs4 import BeautifulSoup

from tracker.markdown import render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<img src=x onerror="alert(1)">',
    '<a href="#" onclick="steal()">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "![x](javascript:alert(1))",
    "<svg onload=alert(1)>",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_dangerous_markup_never_becomes_live_html(text):
    """Whatever is typed shows as text at most: no element runs or links to script."""
    soup = BeautifulSoup(str(render_markdown(text)), "html.parser")
    assert not soup.find_all(["script", "iframe", "img", "svg", "object", "embed"])
    for element in soup.find_all(True):
        assert not [name for name in element.attrs if name.lower().startswith("on")]
        for attribute in ("href", "src"):
            value = (element.get(attribute) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), element


def test_ordinary_markdown_renders():
    html = str(render_markdown("## Aims\n\n* **Health** tech\n* [IUK](https://www.ukri.org)"))
    assert "<h2>Aims</h2>" in html
    assert "<strong>Health</strong>" in html
    assert 'href="https://www.ukri.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_top_level_headings_are_not_allowed():
    """A page has one <h1>: a Markdown '# Title' keeps its words but not the tag."""
    html = str(render_markdown("# Big title"))
    assert "<h1" not in html and "Big title" in html


def test_empty_text_renders_nothing():
    assert str(render_markdown("")) == ""
    assert str(render_markdown(None)) == ""
