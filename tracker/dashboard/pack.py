"""The board pack as a PDF: WeasyPrint draws the printable page, fetching nothing but the
tracker's own static files (its stylesheet), so rendering never reaches the network.

WeasyPrint loads Pango when imported, which takes a while: views import this module when a PDF
is asked for, not when the app starts."""

import mimetypes
import re
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse
from werkzeug.security import safe_join


class RefusedFetch(ValueError):
    """WeasyPrint asked for something outside the static folder."""


def static_file_for(url: str, base_url: str, static_folder: str, static_url_path: str) -> Path:
    """The file in `static_folder` that `url` names, when it is an address under this site's
    static URL (query and fragment aside); RefusedFetch for anything else: other hosts, other
    paths, data: and file: addresses, a way out of the folder, a file that does not exist."""
    prefix = base_url.rstrip("/") + "/" + static_url_path.strip("/") + "/"
    address = urlsplit(url)
    plain = f"{address.scheme}://{address.netloc}{address.path}"
    if address.scheme not in ("http", "https") or not plain.startswith(prefix):
        raise RefusedFetch(f"the board pack fetches only the tracker's static files, not {url[:80]}")
    path = safe_join(static_folder, unquote(plain[len(prefix):]))
    if path is None or not Path(path).is_file():
        raise RefusedFetch(f"no such static file: {url[:80]}")
    return Path(path)


class StaticFilesOnly(URLFetcher):
    """WeasyPrint's fetcher, answering from the static folder only (see static_file_for)."""

    def __init__(self, base_url: str, static_folder: str, static_url_path: str):
        super().__init__(allowed_protocols=("http", "https"))
        self.site = (base_url, static_folder, static_url_path)

    def fetch(self, url, headers=None):
        path = static_file_for(url, *self.site)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})


def render_pdf(html: str, base_url: str, static_folder: str, static_url_path: str) -> bytes:
    """The page as a PDF, its relative links made absolute against `base_url`."""
    fetcher = StaticFilesOnly(base_url, static_folder, static_url_path)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


def filename(programme_name: str, day: date) -> str:
    """'west-midlands-innovation-accelerator-2022-board-pack-2026-11-26.pdf': plain ASCII."""
    slug = re.sub(r"[^a-z0-9]+", "-", programme_name.lower()).strip("-") or "programme"
    return f"{slug}-board-pack-{day.isoformat()}.pdf"
