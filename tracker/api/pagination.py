"""Pages of API lists: ?page= and ?per_page= read leniently (a value that cannot be used is
replaced, with a notice), and the envelope every list answers with: data, meta, links, notices."""

from dataclasses import dataclass
from math import ceil

from flask import current_app, request, url_for
from sqlalchemy import Select, func, select

from tracker.extensions import db

MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Paging:
    """The page asked for, and how many rows a page holds."""

    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def paging_from_request(notices: list[str]) -> Paging:
    """?page= (from 1) and ?per_page= (1 to 100, the site's page size when not given); a value
    that is not a whole number in range is replaced, and `notices` says so."""
    default = min(current_app.config["PAGE_SIZE"], MAX_PER_PAGE)
    per_page = _whole_number("per_page", default, notices)
    if per_page < 1:
        notices.append(f"per_page must be at least 1: showing {default} a page.")
        per_page = default
    elif per_page > MAX_PER_PAGE:
        notices.append(f"per_page can be at most {MAX_PER_PAGE}: showing {MAX_PER_PAGE} a page.")
        per_page = MAX_PER_PAGE
    page = _whole_number("page", 1, notices)
    if page < 1:
        notices.append("page must be 1 or more: showing page 1.")
        page = 1
    return Paging(page, per_page)


def _whole_number(name: str, default: int, notices: list[str]) -> int:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        notices.append(f"{name} must be a whole number: “{value[:40]}” was ignored.")
        return default


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, and how many rows the whole list has."""

    items: list
    total: int
    paging: Paging

    @property
    def pages(self) -> int:
        return ceil(self.total / self.paging.per_page)


def page_of_query(query: Select, paging: Paging) -> Page:
    """One page of a SELECT: a COUNT, then the rows (skipped when the page is past the end)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    if paging.offset >= total:
        return Page([], total, paging)
    rows = db.session.scalars(query.limit(paging.per_page).offset(paging.offset)).unique().all()
    return Page(list(rows), total, paging)


def page_of_list(rows: list, paging: Paging) -> Page:
    """One page of rows already in hand (a plan made over all of them)."""
    return Page(rows[paging.offset:paging.offset + paging.per_page], len(rows), paging)


def envelope(data: list, page: Page, notices: list[str], kept: dict | None = None) -> dict:
    """The answer of every list: `data`, `meta` (page, per_page, total, pages), `links` (self,
    next, prev: null when there is none) and `notices` (what in the request was ignored and
    why). `kept` are the filters the links carry, as they were understood."""
    paging = page.paging
    if paging.page > max(page.pages, 1):
        notices.append(f"Page {paging.page} is past the last page ({page.pages}): there is nothing on it.")

    def link(number: int | None) -> str | None:
        if number is None:
            return None
        return url_for(request.endpoint, **(request.view_args or {}), **(kept or {}), page=number,
                       per_page=paging.per_page, _external=True)

    last = page.pages
    return {
        "data": data,
        "meta": {"page": paging.page, "per_page": paging.per_page, "total": page.total, "pages": last},
        "links": {
            "self": link(paging.page),
            "next": link(paging.page + 1) if paging.page < last else None,
            "prev": link(min(paging.page - 1, last)) if paging.page > 1 and last else None,
        },
        "notices": notices,
    }
