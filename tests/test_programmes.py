"""Programmes: create, show, validate, edit with optimistic locking, and the list's figures."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import error_summary, inline_error, soup, summary_errors, summary_list, text
from tracker.activity.models import Activity
from tracker.auth.models import Role
from tracker.concurrency import EditConflict
from tracker.extensions import db
from tracker.programmes import services
from tracker.programmes.models import Programme
from tracker.proposals.models import ProposalStage

DATES = {
    "opens_on": (1, 6, 2022),
    "eoi_deadline": (15, 7, 2022),
    "full_proposal_deadline": (30, 11, 2022),
    "panel_date": (10, 1, 2023),
    "announcement_date": (15, 3, 2023),
}


def form_data(**overrides) -> dict:
    """A complete, valid programme form post; `overrides` replace or add fields."""
    data = {
        "name": "West Midlands Innovation Accelerator 2022",
        "funder": "Innovate UK",
        "region": "West Midlands",
        "description": "Health tech and **clean tech**.",
        "total_pot": "£33,000,000",
        "assessment_threshold": "70",
        "board_quorum": "3",
    }
    for field, (day, month, year) in DATES.items():
        data |= {f"{field}-day": str(day), f"{field}-month": str(month), f"{field}-year": str(year)}
    return data | overrides


def programme_count() -> int:
    return db.session.scalar(select(func.count(Programme.id)))


# Creating ------------------------------------------------------------------


def test_staff_create_a_programme_and_see_it_formatted(staff_client):
    response = staff_client.post("/programmes/new", data=form_data(), follow_redirects=True)

    assert response.status_code == 200
    assert soup(response).h1.get_text(strip=True) == "West Midlands Innovation Accelerator 2022"
    assert "West Midlands Innovation Accelerator 2022 has been created" in response.get_data(as_text=True)
    details = summary_list(response)
    assert details["Funder"] == "Innovate UK"
    assert details["Region"] == "West Midlands"
    assert details["Total pot"] == "£33,000,000"
    assert details["Assessment threshold"] == "70%"
    assert details["Board quorum"] == "3 endorsements"
    assert details["Call opens"] == "1 June 2022"
    assert details["Expression of interest deadline"] == "15 July 2022"
    assert details["Full proposal deadline"] == "30 November 2022"
    assert details["Selection panel"] == "10 January 2023"
    assert details["Announcement"] == "15 March 2023"
    assert soup(response).select_one(".tracker-prose strong").get_text() == "clean tech"

    programme = db.session.scalar(select(Programme))
    assert programme.total_pot == 33_000_000
    assert programme.assessment_threshold == Decimal("70")
    assert programme.created_by_id == staff_client.user.id
    [entry] = db.session.scalars(select(Activity).where(Activity.verb == "programme.created"))
    assert entry.subject_id == programme.id


def test_key_dates_are_optional_and_show_as_not_set(staff_client):
    """Empty date boxes (what a browser sends when nothing is typed) mean no date."""
    data = {k: ("" if "-" in k else v) for k, v in form_data().items()}

    response = staff_client.post("/programmes/new", data=data, follow_redirects=True)

    assert summary_list(response)["Full proposal deadline"] == "Not set"
    assert db.session.scalar(select(Programme.full_proposal_deadline)) is None


def test_the_form_starts_with_sensible_defaults(staff_client):
    page = soup(staff_client.get("/programmes/new"))
    assert page.find("input", {"name": "funder"})["value"] == "Innovate UK"
    assert page.find("input", {"name": "assessment_threshold"})["value"] == "70"
    assert page.find("input", {"name": "board_quorum"})["value"] == "3"


@pytest.mark.parametrize(
    "overrides,anchor,message",
    [
        ({"name": ""}, "name", "Enter the programme's name"),
        ({"funder": "  "}, "funder", "Enter the funder"),
        ({"region": ""}, "region", "Enter the region"),
        ({"total_pot": ""}, "total_pot", "Enter the total pot in pounds"),
        ({"total_pot": "  "}, "total_pot", "Enter the total pot in pounds"),
        ({"total_pot": "lots"}, "total_pot", "Total pot must be a whole number of pounds, like 1,500,000"),
        ({"total_pot": "-5"}, "total_pot", "Total pot cannot be negative"),
        ({"total_pot": "12.50"}, "total_pot", "Total pot must be a whole number of pounds, like 1,500,000"),
        ({"total_pot": "£10,000,000,001"}, "total_pot", "Total pot must be £10,000,000,000 or less"),
        ({"assessment_threshold": ""}, "assessment_threshold", "Enter the assessment threshold as a percentage"),
        ({"assessment_threshold": " "}, "assessment_threshold", "Enter the assessment threshold as a percentage"),
        ({"assessment_threshold": "101"}, "assessment_threshold", "Assessment threshold must be between 0 and 100"),
        ({"assessment_threshold": "-1"}, "assessment_threshold", "Assessment threshold must be between 0 and 100"),
        ({"assessment_threshold": "abc"}, "assessment_threshold", "Assessment threshold must be a number, like 70"),
        (
            {"assessment_threshold": "70.125"}, "assessment_threshold",
            "Assessment threshold can have at most 2 decimal places",
        ),
        ({"board_quorum": ""}, "board_quorum", "Enter how many board endorsements a proposal needs"),
        ({"board_quorum": "0"}, "board_quorum", "Board quorum must be between 1 and 50"),
        ({"board_quorum": "x"}, "board_quorum", "Board quorum must be a whole number"),
        ({"board_quorum": "2.5"}, "board_quorum", "Board quorum must be a whole number"),
        ({"opens_on-year": ""}, "opens_on-day", "Call opens must include a year"),
        (
            {"panel_date-day": "", "panel_date-year": ""}, "panel_date-day",
            "Selection panel must include a day and year",
        ),
        (
            {"announcement_date-day": "31", "announcement_date-month": "2", "announcement_date-year": "2023"},
            "announcement_date-day", "Announcement must be a real date, like 27 3 2023",
        ),
        ({"opens_on-month": "June"}, "opens_on-day", "Call opens must be a real date, like 27 3 2023"),
        ({"opens_on-year": "22"}, "opens_on-day", "Call opens must have a year between 1900 and 2100"),
        (
            {"eoi_deadline-day": "1", "eoi_deadline-month": "12", "eoi_deadline-year": "2022"},
            "full_proposal_deadline-day",
            "Full proposal deadline must be on or after the expression of interest deadline",
        ),
        (
            {"eoi_deadline-day": "1", "eoi_deadline-month": "1", "eoi_deadline-year": "2022"},
            "eoi_deadline-day", "Expression of interest deadline must be on or after the call opens",
        ),
    ],
)
def test_invalid_programmes_are_refused_in_place(staff_client, overrides, anchor, message):
    """Each bad answer gets its own message, beside its field and in the summary; nothing saved."""
    response = staff_client.post("/programmes/new", data=form_data(**overrides))

    assert response.status_code == 200
    assert error_summary(response) == [(message, f"#{anchor}")]
    assert inline_error(response, anchor) == message
    assert programme_count() == 0


def test_typed_values_stay_in_the_form_after_an_error(staff_client):
    response = staff_client.post(
        "/programmes/new",
        data=form_data(total_pot="lots", **{"panel_date-day": "31", "panel_date-month": "2"}),
    )
    page = soup(response)
    assert page.find("input", {"name": "total_pot"})["value"] == "lots"
    assert page.find("input", {"name": "panel_date-day"})["value"] == "31"
    assert page.find("input", {"name": "name"})["value"] == "West Midlands Innovation Accelerator 2022"
    assert "govuk-input--error" in page.find("input", {"name": "panel_date-day"})["class"]


@pytest.mark.parametrize(
    "value,stored", [("0", Decimal("0")), ("100", Decimal("100")), ("70.8%", Decimal("70.8"))]
)
def test_threshold_bounds_are_accepted(staff_client, value, stored):
    response = staff_client.post("/programmes/new", data=form_data(assessment_threshold=value))
    assert response.status_code == 302
    assert db.session.scalar(select(Programme.assessment_threshold)) == stored


@pytest.mark.parametrize("value,stored", [("33000000", 33_000_000), ("£1,500,000.00", 1_500_000), ("0", 0)])
def test_money_formats_are_accepted(staff_client, value, stored):
    response = staff_client.post("/programmes/new", data=form_data(total_pot=value))
    assert response.status_code == 302
    assert db.session.scalar(select(Programme.total_pot)) == stored


def test_a_duplicate_name_is_refused_whatever_its_case(staff_client):
    factories.make_programme("West Midlands Innovation Accelerator 2022")

    response = staff_client.post(
        "/programmes/new", data=form_data(name="WEST MIDLANDS innovation accelerator 2022")
    )

    assert summary_errors(response) == ["A programme with that name already exists"]
    assert programme_count() == 1


# Who may create and edit ------------------------------------------------------


@pytest.mark.parametrize("role", [Role.EXPERT, Role.BOARD])
def test_experts_and_board_cannot_create_or_edit(client_as, role):
    client = client_as(role)
    programme = factories.make_programme("Glasgow City Region")

    assert client.post("/programmes/new", data=form_data()).status_code == 403
    refused = client.post(f"/programmes/{programme.id}/edit", data=form_data(edit_version="1"))
    assert refused.status_code == 403
    assert client.get(f"/programmes/{programme.id}/edit").status_code == 403
    db.session.expire_all()
    assert [p.name for p in db.session.scalars(select(Programme))] == ["Glasgow City Region"]


@pytest.mark.parametrize(
    "role,sees_buttons",
    [(Role.STAFF, True), (Role.ADMIN, True), (Role.EXPERT, False), (Role.BOARD, False)],
)
def test_create_and_change_buttons_only_for_those_who_may(client_as, role, sees_buttons):
    client = client_as(role)
    programme = factories.make_programme()

    index = client.get("/programmes/").get_data(as_text=True)
    detail = client.get(f"/programmes/{programme.id}").get_data(as_text=True)

    assert ("Create a programme" in index) is sees_buttons
    assert ("Change programme" in detail) is sees_buttons
    assert (f"/programmes/{programme.id}/edit" in detail) is sees_buttons


# Editing ------------------------------------------------------------------------


def test_edit_form_is_filled_in_with_the_current_version(staff_client):
    programme = factories.make_programme(
        "Accelerator", total_pot=1_500_000, assessment_threshold=Decimal("70.50"),
        full_proposal_deadline=date(2022, 11, 30),
    )
    page = soup(staff_client.get(f"/programmes/{programme.id}/edit"))
    assert page.find("input", {"name": "edit_version"})["value"] == "1"
    assert page.find("input", {"name": "total_pot"})["value"] == "1,500,000"
    assert page.find("input", {"name": "assessment_threshold"})["value"] == "70.5"
    assert page.find("input", {"name": "full_proposal_deadline-month"})["value"] == "11"


def test_editing_the_current_version_saves_and_moves_the_version_on(staff_client):
    programme = factories.make_programme("Accelerator")

    response = staff_client.post(
        f"/programmes/{programme.id}/edit",
        data=form_data(name="Accelerator", total_pot="34,000,000", edit_version="1"),
    )

    assert response.status_code == 302
    db.session.expire_all()
    programme = db.session.get(Programme, programme.id)
    assert programme.total_pot == 34_000_000
    assert programme.version == 2
    [entry] = db.session.scalars(select(Activity).where(Activity.verb == "programme.updated"))
    assert entry.changes["total_pot"] == [33_000_000, 34_000_000]
    assert entry.changes["eoi_deadline"] == [None, "2022-07-15"]


def test_an_edit_on_a_stale_version_is_refused_with_the_differences(staff_client):
    """Someone saved in between: 409, the person's typing kept, a table of what differs."""
    programme = factories.make_programme(
        "Accelerator", region="West Midlands", **{f: date(d[2], d[1], d[0]) for f, d in DATES.items()}
    )
    programme.region = "Greater Manchester"  # the other person's save: version 2
    db.session.commit()

    response = staff_client.post(
        f"/programmes/{programme.id}/edit",
        data=form_data(
            name="Accelerator", region="Black Country", description="Mine", total_pot="34,000,000",
            assessment_threshold="70.5", edit_version="1",
            **{"panel_date-day": "11"},
        ),
    )

    assert response.status_code == 409
    page = soup(response)
    assert page.find("input", {"name": "region"})["value"] == "Black Country"
    assert page.find("textarea", {"name": "description"}).get_text() == "Mine"
    assert page.find("input", {"name": "edit_version"})["value"] == "2"
    assert "Someone else changed this programme while you were editing it" in summary_errors(response)[0]
    table = page.select_one("table.tracker-conflicts")
    assert text(table.caption) == "What changed while you were editing"
    rows = {text(row.th): [text(td) for td in row.find_all("td")] for row in table.tbody.find_all("tr")}
    assert rows == {
        "Region": ["Greater Manchester", "Black Country"],
        "Description": ["Not set", "Mine"],
        "Total pot": ["£33,000,000", "£34,000,000"],
        "Assessment threshold": ["70%", "70.5%"],
        "Selection panel": ["10 January 2023", "11 January 2023"],
    }
    db.session.expire_all()
    programme = db.session.get(Programme, programme.id)
    assert (programme.region, programme.version) == ("Greater Manchester", 2)
    assert db.session.scalar(
        select(func.count(Activity.id)).where(Activity.verb == "programme.updated")
    ) == 0


def test_saving_again_after_a_conflict_applies_the_edit(staff_client):
    """The 409 page carries the new version, so submitting it again saves."""
    programme = factories.make_programme("Accelerator")
    programme.region = "Greater Manchester"
    db.session.commit()
    conflict = staff_client.post(
        f"/programmes/{programme.id}/edit", data=form_data(name="Accelerator", edit_version="1")
    )
    version = soup(conflict).find("input", {"name": "edit_version"})["value"]

    response = staff_client.post(
        f"/programmes/{programme.id}/edit", data=form_data(name="Accelerator", edit_version=version)
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).region == "West Midlands"


def test_an_edit_without_a_version_is_treated_as_stale(staff_client):
    programme = factories.make_programme("Accelerator")
    response = staff_client.post(f"/programmes/{programme.id}/edit", data=form_data(name="Accelerator"))
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).version == 1


def test_the_update_service_refuses_a_stale_version():
    staff = factories.make_user(Role.STAFF)
    programme = factories.make_programme("Accelerator")
    with pytest.raises(EditConflict) as raised:
        services.update_programme(programme, {"region": "Elsewhere"}, started_from=0, actor=staff)
    assert raised.value.current_version == 1
    assert programme.region == "West Midlands"


def test_renaming_to_another_programmes_name_is_refused(staff_client):
    factories.make_programme("Glasgow City Region")
    programme = factories.make_programme("Accelerator")

    response = staff_client.post(
        f"/programmes/{programme.id}/edit", data=form_data(name="glasgow city region", edit_version="1")
    )

    assert summary_errors(response) == ["A programme with that name already exists"]
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).name == "Accelerator"


def test_a_post_without_any_date_boxes_means_no_dates(staff_client):
    """A client that sends no date boxes at all (not even empty ones) saves no dates."""
    data = {k: v for k, v in form_data().items() if "-" not in k}
    response = staff_client.post("/programmes/new", data=data)
    assert response.status_code == 302
    assert db.session.scalar(select(Programme.full_proposal_deadline)) is None


def test_unknown_programme_is_404(staff_client):
    assert staff_client.get("/programmes/99999").status_code == 404
    assert staff_client.get("/programmes/99999/edit").status_code == 404
    response = staff_client.post("/programmes/99999/edit", data=form_data(edit_version="1"))
    assert response.status_code == 404
    assert programme_count() == 0


# The list and the detail's proposals --------------------------------------------------


def programme_rows(response) -> dict[str, list[str]]:
    rows = soup(response).select("table.govuk-table tbody tr")
    return {text(row.find("a")): [text(td) for td in row.find_all("td")[1:]] for row in rows}


def test_list_shows_proposal_counts_and_funding_asked(staff_client):
    busy = factories.make_programme("Busy", region="West Midlands", total_pot=33_000_000)
    factories.make_programme("Empty", region="Glasgow", total_pot=10_000_000)
    factories.make_proposal(programme=busy, funding_ask=14_500_000)
    factories.make_proposal(programme=busy, funding_ask=1_800_000, stage=ProposalStage.CO_CREATION)

    rows = programme_rows(staff_client.get("/programmes/"))

    assert rows == {
        "Busy": ["West Midlands", "£33,000,000", "2 proposals in Busy", "£16,300,000"],
        "Empty": ["Glasgow", "£10,000,000", "0 proposals in Empty", "£0"],
    }


def test_experts_do_not_see_the_funding_figures(expert_client):
    busy = factories.make_programme("Busy", region="West Midlands", total_pot=33_000_000)
    factories.make_proposal(programme=busy, funding_ask=14_500_000)

    response = expert_client.get("/programmes/")

    assert programme_rows(response) == {"Busy": ["West Midlands", "£33,000,000"]}
    headers = [text(th) for th in soup(response).select("thead th")]
    assert headers == ["Programme", "Region", "Total pot"]
    assert "Funding asked" not in response.get_data(as_text=True)


def test_programme_list_is_paginated(staff_client):
    for n in range(1, 31):
        factories.make_programme(f"Programme {n:02}")
    second = staff_client.get("/programmes/?page=2")
    assert list(programme_rows(second)) == [f"Programme {n}" for n in range(26, 31)]


def test_detail_lists_the_proposals_the_reader_may_see(client_as):
    programme = factories.make_programme("Accelerator")
    factories.make_proposal(programme=programme, title="Draft bid", funding_ask=1_000_000)
    factories.make_proposal(
        programme=programme, title="Open bid", funding_ask=2_000_000, stage=ProposalStage.CO_CREATION
    )
    factories.make_proposal(title="Another programme's bid")

    staff = client_as(Role.STAFF).get(f"/programmes/{programme.id}")
    expert = client_as(Role.EXPERT).get(f"/programmes/{programme.id}")

    def titles(response):
        return [text(row.find("a")) for row in soup(response).select("table.govuk-table tbody tr")]

    assert titles(staff) == ["Draft bid", "Open bid"]
    assert summary_list(staff)["Proposals"] == "2, asking for £3,000,000 in all"
    assert titles(expert) == ["Open bid"]
    assert "Proposals" not in summary_list(expert)
