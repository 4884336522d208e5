"""The board pack per programme: the printable page (every proposal, not a page of them, the
headline and the charts with their tables, the print stylesheet) and the PDF WeasyPrint draws
from it, fetching only the tracker's own static files; a programme that does not exist is 404."""

import re
import zlib
from datetime import date

import pytest

from tests import factories
from tests.pages import soup, text
from tests.test_dashboard import TODAY, programme  # noqa: F401  (the hand-worked programme)
from tracker.dashboard.pack import RefusedFetch, filename, static_file_for

BASE = "http://localhost/"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("tracker.dashboard.views.today", lambda: TODAY)


def test_the_page_has_every_proposal_the_figures_and_the_charts(board_client, programme, app, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)  # a pack is not paginated
    response = board_client.get(f"/programmes/{programme['programme'].id}/board-pack")

    page = soup(response)
    assert text(page.h1) == "Board pack"
    assert text(page.select_one(".govuk-caption-l")) == "West Midlands"
    assert "as they stood on 2 March 2026" in text(page)
    assert page.select_one(".tracker-board-pack") is not None  # the print stylesheet's landscape page
    assert [text(row.th.a) for row in page.select("#proposals-table tbody tr")] == [
        "Alpha", "Beta", "Delta", "Epsilon", "Gamma", "Zeta"]
    assert text(page.select_one("#headline-asked p a")).startswith("£9,500,000")
    for chart in ("stage-chart", "funding-chart", "contributions-chart", "rag-chart"):
        assert page.select_one(f"svg[aria-labelledby='{chart}-title {chart}-desc']") is not None, chart
    for table in ("stage-table", "balance", "contributions-table", "rag-table"):
        assert page.select_one(f"#{table} tbody tr") is not None, table
    assert page.select_one("details[open]") is not None  # what "at risk" means, printed
    assert page.select_one(".govuk-pagination") is None
    assert page.select_one("a[download]")["href"] == f"/programmes/{programme['programme'].id}/board-pack.pdf"


def pdf_streams(document: bytes) -> bytes:
    """Every compressed stream of the PDF, inflated (where the link annotations are)."""
    inflated = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(inflated)


def test_the_pdf_is_the_same_pack_as_an_attachment(staff_client, programme):  # noqa: F811
    pid = programme["programme"].id
    response = staff_client.get(f"/programmes/{pid}/board-pack.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="west-midlands-board-pack-2026-03-02.pdf"')
    document = response.data
    assert document.startswith(b"%PDF-")
    assert len(document) > 10_000
    links = pdf_streams(document)
    for proposal in ("alpha", "zeta"):  # each row links to its proposal
        assert f"/proposals/{programme[proposal].id})".encode() in links


def test_a_programme_that_does_not_exist_is_404(board_client):
    for url in ("/programmes/999/board-pack", "/programmes/999/board-pack.pdf"):
        assert board_client.get(url).status_code == 404


@pytest.mark.parametrize("url", [
    "http://localhost/static/dist/main.css",
    "http://localhost/static/dist/main.css?v=3#top",
])
def test_the_fetcher_serves_static_files(app, url):
    path = static_file_for(url, BASE, app.static_folder, app.static_url_path)
    assert path.name == "main.css" and path.is_file()


@pytest.mark.parametrize("url", [
    "https://example.org/static/dist/main.css",  # another host
    "http://localhost.example.org/static/dist/main.css",
    "http://localhost/proposals/1",  # the site, but not a static file
    "http://localhost/static/../config.py",  # out of the folder
    "http://localhost/static/%2e%2e/config.py",
    "http://localhost/static/dist/missing.css",
    "file:///etc/passwd",
    "data:text/css,body{}",
    "http://169.254.169.254/latest/meta-data/",
])
def test_the_fetcher_refuses_everything_else(app, url):
    with pytest.raises(RefusedFetch):
        static_file_for(url, BASE, app.static_folder, app.static_url_path)


def test_the_filename_is_plain_ascii():
    assert filename("Région “Nord” 2026/27", date(2026, 3, 2)) == "r-gion-nord-2026-27-board-pack-2026-03-02.pdf"
    assert filename("“”", date(2026, 3, 2)) == "programme-board-pack-2026-03-02.pdf"


def test_an_empty_programme_has_a_pack_too(admin_client):
    pid = factories.make_programme("Empty").id
    page = soup(admin_client.get(f"/programmes/{pid}/board-pack"))
    assert "This programme has no proposals yet." in text(page)
    assert "No proposals to chart." in text(page)
