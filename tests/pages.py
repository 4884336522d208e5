"""Reading the app's pages in tests: parsed HTML, GOV.UK components, errors and sign-in state."""

from bs4 import BeautifulSoup
from sqlalchemy import select

from tracker.activity.models import Activity
from tracker.extensions import db

SIGN_IN = "/auth/sign-in"


def soup(response) -> BeautifulSoup:
    """The response's HTML, parsed."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text(tag) -> str:
    """A tag's text, with its white space collapsed to single spaces."""
    return " ".join(tag.get_text(" ").split())


def heading(response) -> str:
    """The text of the page's <h1>."""
    return text(soup(response).h1)


def summary_list(response) -> dict[str, str]:
    """Every GOV.UK summary list row on the page as {key: value}."""
    return {
        text(row.select_one(".govuk-summary-list__key")): text(row.select_one(".govuk-summary-list__value"))
        for row in soup(response).select(".govuk-summary-list__row")
    }


def error_summary(response) -> list[tuple[str, str]]:
    """(message, href) for each entry of the error summary, each checked to link to the page; [] if none."""
    page = soup(response)
    summary = page.select_one(".govuk-error-summary")
    if summary is None:
        return []
    assert "There is a problem" in text(summary)
    entries = [(text(link), link["href"]) for link in summary.select("a")]
    for _, href in entries:
        assert page.select_one(href), f"the error summary links to {href}, which is not on the page"
    return entries


def summary_errors(response) -> list[str]:
    """The messages of the error summary (checked as error_summary checks them); [] if none."""
    return [message for message, _ in error_summary(response)]


def inline_error(response, field_id: str) -> str | None:
    """The error beside the field with this id (or summary #anchor), without 'Error:'; None if none."""
    field = soup(response).find(id=field_id)
    assert field is not None, f"no element with id {field_id!r} on the page"
    for group in field.find_parents(class_="govuk-form-group"):
        message = group.select_one(".govuk-error-message")
        if message is not None:
            return text(message).removeprefix("Error:").strip()
    return None


def input_value(response, field_id: str) -> str:
    """The value of the <input> with this id."""
    field = soup(response).select_one(f"input#{field_id}")
    assert field is not None, f"no <input> with id {field_id!r} on the page"
    return field["value"]


def csrf_token_from(response) -> str:
    """The CSRF token of the first form on the page."""
    return soup(response).select_one('input[name="csrf_token"]')["value"]


def table_column(response, index: int = 0) -> list[str]:
    """The text of one column of the page's main table, row by row."""
    rows = soup(response).select("table.govuk-table tbody tr")
    return [text(row.find_all("td")[index]) for row in rows]


def is_signed_in(client) -> bool:
    """Whether the client reaches a signed-in page (a visitor is sent to sign in)."""
    response = client.get("/profile/")
    if response.status_code == 302:
        assert response.location.startswith(SIGN_IN)
        return False
    assert response.status_code == 200
    return True


def activities(verb: str) -> list[Activity]:
    """Every audit entry with this verb, oldest first."""
    return list(db.session.scalars(select(Activity).where(Activity.verb == verb).order_by(Activity.id)))
