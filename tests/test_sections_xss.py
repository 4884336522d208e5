"""Section text is what staff type, so it is hostile until shown otherwise: every payload in
the corpus, saved as a section's text and as a revision's note, is inert on every page that
shows it (the section, its edit form, its history and both sides of a comparison)."""

import pytest

from tests import factories
from tests.pages import soup
from tests.test_sections import save, url

CORPUS = [
    "<script>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    '"><script>alert(document.cookie)</script>',
    '<img src=x onerror="alert(1)">',
    '<a href="#" onclick="steal()">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](java&#x09;script:alert(1))",
    '<a href="javascript&colon;alert(1)">click</a>',
    "<javascript:alert(1)>",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![picture](javascript:alert(1))",
    "![picture](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src='https://evil.example'></iframe>",
    '<div style="width: expression(alert(1))">styled</div>',
    "<style>body { background: url(javascript:alert(1)) }</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<object data='evil.swf'></object><embed src='evil.swf'>",
    "<form action='javascript:alert(1)'><button formaction='javascript:alert(1)'>Go</button></form>",
    "**bold** and [a fine link](https://www.ukri.org) <details open ontoggle=alert(1)>",
]

LIVE_ELEMENTS = ["script", "iframe", "img", "svg", "math", "object", "embed", "style", "link",
                 "meta", "base", "details"]
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href")


def assert_inert(response) -> None:
    """Nothing in the page's main content can run script or load a script URL."""
    assert response.status_code == 200
    main = soup(response).main
    assert not main.find_all(LIVE_ELEMENTS), main.find_all(LIVE_ELEMENTS)
    for element in main.find_all(True):
        handlers = [name for name in element.attrs if name.lower().startswith("on")]
        assert not handlers, element
        assert "expression(" not in (element.get("style") or "").lower(), element
        for attribute in URL_ATTRIBUTES:
            value = "".join((element.get(attribute) or "").split()).lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), element
        if element.name == "form":
            assert element.get("action", "/proposals/").startswith("/proposals/"), element


def test_the_corpus_is_big_enough():
    assert len(CORPUS) >= 10


@pytest.mark.parametrize("payload", CORPUS)
def test_hostile_text_is_inert_on_every_section_page(staff_client, payload):
    proposal = factories.make_proposal()
    save(proposal, "A safe start.", note="Safe")
    save(proposal, payload, note=payload[:200])

    for page in ("", "edit", "history", "compare?from=1&to=2", "compare?from=2&to=1"):
        assert_inert(staff_client.get(url(proposal, page=page)))


def test_ordinary_markdown_still_renders(staff_client):
    proposal = factories.make_proposal()
    save(proposal, "**bold** and [a fine link](https://www.ukri.org)")
    prose = soup(staff_client.get(url(proposal))).select_one(".tracker-prose")
    assert prose.strong.get_text() == "bold"
    assert prose.a["href"] == "https://www.ukri.org"
