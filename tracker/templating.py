"""Template filters and globals: money, dates, Markdown, navigation, unread count, form errors."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask, g, request, url_for
from flask_login import current_user

from tracker.auth.access import is_allowed
from tracker.forms import error_list
from tracker.markdown import render_markdown
from tracker.notifications.services import unread_count

LONDON = ZoneInfo("Europe/London")

# (endpoint, label, endpoint prefix that marks it current); shown only to those allowed in.
NAVIGATION = (
    ("main.home", "Home", "main.home"),
    ("dashboard.index", "Dashboard", "dashboard."),
    ("programmes.index", "Programmes", "programmes."),
    ("proposals.index", "Proposals", "proposals."),
    ("admin.users", "People", "admin.user"),
    ("admin.organisations", "Organisations", "admin.organisation"),
    ("admin.sectors", "Sectors and themes", "admin.sector"),
    ("admin.outbox", "Email outbox", "admin.outbox"),
    ("activity.index", "Activity", "activity.index"),
)


def money(value: int | Decimal | None) -> str:
    """£1,500,000 (whole pounds)."""
    if value is None:
        return "Not set"
    return f"£{int(value):,}"


def money_short(value: int | None) -> str:
    """£14.5m, £850k: for headlines and charts."""
    if value is None:
        return "Not set"
    if value >= 1_000_000:
        return f"£{value / 1_000_000:.1f}m".replace(".0m", "m")
    if value >= 1_000:
        return f"£{value / 1_000:.0f}k"
    return f"£{value}"


def percent(value: Decimal | float | None) -> str:
    """70%, 70.8%."""
    if value is None:
        return "Not set"
    text = f"{Decimal(value):.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def long_date(value: date | datetime | None) -> str:
    """26 November 2026 (GOV.UK style); datetimes shown in UK time."""
    if value is None:
        return "Not set"
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


def date_time(value: datetime | None) -> str:
    """26 November 2026 at 2:05pm, UK time."""
    if value is None:
        return "Never"
    local = value.astimezone(LONDON)
    hour = local.strftime("%I").lstrip("0")
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local:%p}".replace("AM", "am").replace(
        "PM", "pm"
    )


def navigation_items() -> list[dict]:
    """The service navigation for the signed-in person, with the current item marked."""
    if not current_user.is_authenticated:
        return []
    endpoint = request.endpoint or ""
    items = []
    for target, label, prefix in NAVIGATION:
        if not is_allowed(target, current_user):
            continue
        current = endpoint == prefix if not prefix.endswith(".") else endpoint.startswith(prefix)
        if prefix.startswith("admin."):
            current = endpoint.startswith(prefix)
        items.append({"href": url_for(target), "text": label, "active": current})
    return items


def unread_notifications() -> int:
    """How many notifications the signed-in person has not read (one COUNT a request); 0 for visitors."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = unread_count(current_user)
    return g.unread_notifications


def page_url(page: int) -> str:
    """This page's URL with `page` replaced, keeping every filter."""
    args = request.args.to_dict()
    args["page"] = page
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    """Register filters and globals."""
    app.jinja_env.filters.update(
        money=money,
        money_short=money_short,
        percent=percent,
        long_date=long_date,
        date_time=date_time,
        markdown=render_markdown,
    )
    app.jinja_env.globals.update(
        navigation_items=navigation_items,
        unread_notifications=unread_notifications,
        form_error_list=error_list,
        page_url=page_url,
        service_name="Innovation Accelerator tracker",
    )
