"""Requests for input through HTTP: staff make them and see their status, board members read
them, experts see only theirs (and the proposals they were asked about, read-only), staff
extend the input window, /me/contributions lists the requests, and the pages' query counts."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, error_summary, inline_error, soup, summary_errors, text
from tests.test_input_requests import register
from tests.test_query_counts import assert_one_row_costs_what_thirty_cost
from tests.test_sections import section_of
from tracker.auth.models import Role
from tracker.contributions import input_requests, services
from tracker.contributions.models import ContributionKind, InputRequest
from tracker.extensions import db
from tracker.notifications.models import Notification
from tracker.proposals.models import ProposalStage

TODAY = date.today()


@pytest.fixture
def world():
    """A proposal in co-creation open for three weeks, its staff owner, experts under clean tech."""
    staff = factories.make_user(Role.STAFF, name="Sam Staff")
    proposal = factories.make_proposal(
        owner=staff, stage=ProposalStage.CO_CREATION, title="Biochar accelerator",
        input_closes_on=TODAY + timedelta(days=21),
    )
    clean_tech = factories.make_sector("Clean tech")
    ann = factories.make_user(Role.EXPERT, name="Ann Expert", organisation=factories.make_organisation("Aston University"))
    bob = factories.make_user(Role.EXPERT, name="Bob Expert")
    register(ann, clean_tech)
    register(bob, clean_tech)
    return {"staff": staff, "proposal": proposal, "clean_tech": clean_tech, "ann": ann, "bob": bob,
            "empty": factories.make_sector("Digital")}


def url(world, tail="requests"):
    return f"/proposals/{world['proposal'].id}/{tail}"


def due(days: int) -> dict:
    day = TODAY + timedelta(days=days)
    return {"due_on-day": str(day.day), "due_on-month": str(day.month), "due_on-year": str(day.year)}


def closes(day: date) -> dict:
    return {"input_closes_on-day": str(day.day), "input_closes_on-month": str(day.month),
            "input_closes_on-year": str(day.year)}


def form_data(world, **values):
    data = {"section": "risks", "message": "What evidence is there on soil carbon?",
            "expert_ids": [str(world["ann"].id)], "sector_id": "", **due(7)}
    data.update(values)
    return data


def ask(world, experts, section=None, due_on=None):
    """A request made through the service, committed."""
    request = input_requests.ask_for_input(
        world["proposal"], world["staff"], message=f"Please help with {section or 'anything'}",
        due_on=due_on or TODAY + timedelta(days=7), today=TODAY, experts=experts,
        section=section_of(world["proposal"], section) if section else None,
    )
    db.session.commit()
    return request


def give(world, expert, section=None):
    services.submit_contribution(
        world["proposal"], expert, kind=ContributionKind.EVIDENCE, title="Soil data", body="Trials",
        sector=world["clean_tech"], section=section_of(world["proposal"], section) if section else None,
    )
    db.session.commit()


def request_count() -> int:
    return db.session.scalar(select(func.count(InputRequest.id)))


def table_rows(response) -> list[list[str]]:
    return [[text(cell) for cell in row.find_all("td")]
            for row in soup(response).select("table.govuk-table tbody tr")]


# Staff ------------------------------------------------------------------------------------


def test_staff_ask_named_experts_and_a_sector_and_see_the_request_listed(client_as, world):
    client = client_as(Role.STAFF)
    page = client.get(url(world))
    assert page.status_code == 200
    assert soup(page).find("label", string=lambda s: s and "Ann Expert, Aston University" in s)
    assert "Clean tech (2 experts)" in text(soup(page).find("select", id="sector_id"))

    other = factories.make_user(Role.EXPERT)
    response = client.post(url(world), data=form_data(
        world, expert_ids=[str(other.id)], sector_id=str(world["clean_tech"].id)))

    assert response.status_code == 302 and response.location == url(world)
    request = db.session.scalar(select(InputRequest))
    assert request.section_id == section_of(world["proposal"], "risks").id
    assert request.sector_id == world["clean_tech"].id
    assert request.due_on == TODAY + timedelta(days=7)
    assert db.session.scalar(select(func.count(Notification.id))) == 3
    assert len(activities("input_request.made")) == 1
    shown = client.get(response.location)
    assert "Your request for input has gone to 3 experts" in text(soup(shown))
    [cells] = table_rows(shown)
    assert cells[1:] == ["What evidence is there on soil carbon?", "Risks", "Clean tech", "3",
                         f"{request.due_on.day} {request.due_on:%B %Y}", "Open", "0 of 3 answered"]


def test_the_list_shows_answered_and_overdue_with_their_words(client_as, world):
    overdue = ask(world, [world["ann"], world["bob"]])
    answered = ask(world, [world["ann"]], section="risks")
    give(world, world["ann"], section="risks")  # after both requests: it answers both
    overdue.due_on = TODAY - timedelta(days=1)  # as if it had been asked for yesterday
    db.session.commit()

    response = client_as(Role.STAFF).get(url(world))

    tags = {text(tag): tag["class"] for tag in soup(response).select("table .govuk-tag")}
    assert set(tags) == {"Answered", "Overdue"}
    assert "govuk-tag--green" in tags["Answered"] and "govuk-tag--red" in tags["Overdue"]
    by_message = {cells[1]: cells for cells in table_rows(response)}
    assert by_message[answered.message][-1] == "1 of 1 answered"
    assert by_message[overdue.message][-1] == "1 of 2 answered"


@pytest.mark.parametrize("values,field,message", [
    ({"message": ""}, "message", "Enter what you would like input on"),
    ({"due_on-day": "", "due_on-month": "", "due_on-year": ""}, "due_on-day", "Enter the due date"),
    ({"due_on-day": "31", "due_on-month": "2"}, "due_on-day", "Due date must be a real date, like 27 3 2023"),
    ({"expert_ids": []}, "expert_ids", "Choose at least one expert, or a sector or theme"),
    ({"expert_ids": ["99999"]}, "expert_ids", "Select experts from the list"),
    ({"expert_ids": ["x"]}, "expert_ids", "Select experts from the list"),
    ({"section": "nonsense"}, "section", "Select a section of this proposal, or no particular section"),
    ({"sector_id": "99999"}, "sector_id", "Select a sector or theme from the list"),
    ({**due(-1)}, "due_on-day", "The due date must be today or later"),
])
def test_bad_requests_are_refused_in_place_and_save_nothing(staff_client, world, values, field, message):
    response = staff_client.post(url(world), data=form_data(world, **values))

    assert response.status_code == 200
    assert inline_error(response, field) == message
    assert message in summary_errors(response)
    assert request_count() == 0
    assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_a_sector_with_nobody_in_it_says_so(staff_client, world):
    response = staff_client.post(url(world), data=form_data(world, expert_ids=[],
                                                            sector_id=str(world["empty"].id)))
    assert inline_error(response, "sector_id") == "No experts are registered under Digital"
    assert error_summary(response) == [("No experts are registered under Digital", "#sector_id")]
    assert request_count() == 0


def test_a_due_date_after_input_closes_tells_staff_to_extend_the_window_first(staff_client, world):
    response = staff_client.post(url(world), data=form_data(world, **due(22)))
    closes_on = world["proposal"].input_closes_on
    assert inline_error(response, "due_on-day") == (
        f"The due date must be on or before {closes_on.day} {closes_on:%B %Y}, when input closes. "
        "To ask for a later date, extend the input window first")
    assert soup(response).find("textarea", id="message").text == "What evidence is there on soil carbon?"
    assert request_count() == 0

    staff_client.post(url(world, "input-closes"), data=closes(TODAY + timedelta(days=30)))
    assert staff_client.post(url(world), data=form_data(world, **due(22))).status_code == 302
    assert request_count() == 1


@pytest.mark.parametrize("stage", [ProposalStage.DRAFT, ProposalStage.BOARD_REVIEW])
def test_outside_co_creation_staff_see_the_list_without_the_forms_and_cannot_ask(staff_client, world, stage):
    ask(world, [world["ann"]])
    world["proposal"].stage = stage
    db.session.commit()

    page = staff_client.get(url(world))
    assert page.status_code == 200 and len(table_rows(page)) == 1
    assert soup(page).find("form", action=url(world)) is None
    assert soup(page).find("form", action=url(world, "input-closes")) is None
    assert "it is not open for input" in text(soup(page))

    response = staff_client.post(url(world), data=form_data(world))
    assert response.status_code == 403
    assert "Requests for input can be made only while the proposal is in co-creation" in text(soup(response))
    assert request_count() == 1


# Board and experts ------------------------------------------------------------------------


def test_board_members_read_the_list_without_forms(board_client, world):
    ask(world, [world["ann"]])
    page = board_client.get(url(world))
    assert page.status_code == 200 and len(table_rows(page)) == 1
    assert soup(page).find("form", action=url(world)) is None
    assert soup(page).find("form", action=url(world, "input-closes")) is None
    assert board_client.post(url(world), data=form_data(world)).status_code == 403
    assert board_client.post(url(world, "input-closes"), data=closes(TODAY)).status_code == 403
    assert request_count() == 1


def test_an_expert_sees_only_the_requests_to_them_with_a_link_to_give_input(client_as, world):
    client = client_as(Role.EXPERT, name="Dee Expert")
    ask(world, [client.user], section="risks")
    ask(world, [client.user, world["ann"]])
    ask(world, [world["ann"]], section="need")  # not to Dee

    page = client.get(url(world))

    assert page.status_code == 200
    assert [cells[1] for cells in table_rows(page)] == ["Risks", "Any section"]
    links = [a["href"] for a in soup(page).select("table a") if text(a).startswith("Give input")]
    base = f"/proposals/{world['proposal'].id}/contributions/new"
    assert sorted(links) == sorted([f"{base}?section=risks", base])
    assert soup(page).find("form", action=url(world)) is None
    assert "answered" not in " ".join(" ".join(cells) for cells in table_rows(page))
    assert client.post(url(world), data=form_data(world)).status_code == 403
    assert client.post(url(world, "input-closes"), data=closes(TODAY)).status_code == 403


def test_an_expert_asked_sees_the_proposal_after_co_creation_but_cannot_give_input(client_as, world):
    client = client_as(Role.EXPERT)
    ask(world, [client.user], section="risks")
    world["proposal"].stage = ProposalStage.BOARD_REVIEW
    db.session.commit()

    assert client.get(f"/proposals/{world['proposal'].id}").status_code == 200
    page = client.get(url(world))
    assert page.status_code == 200
    assert [cells[2] for cells in table_rows(page)] == [
        f"{(TODAY + timedelta(days=7)).day} {TODAY + timedelta(days=7):%B %Y}"]
    assert not [a for a in soup(page).select("a") if text(a).startswith("Give input")]
    assert "Biochar accelerator" in text(soup(client.get("/proposals/")))
    assert client.get(url(world, "contributions/new")).status_code == 403


def test_an_expert_not_asked_cannot_open_a_proposal_outside_co_creation_by_its_id(client_as, world):
    asked, guesser = client_as(Role.EXPERT), client_as(Role.EXPERT)
    ask(world, [asked.user])
    world["proposal"].stage = ProposalStage.BOARD_REVIEW
    db.session.commit()

    assert guesser.get(f"/proposals/{world['proposal'].id}").status_code == 403
    assert guesser.get(url(world)).status_code == 403
    assert "Biochar accelerator" not in text(soup(guesser.get("/proposals/")))


def test_an_expert_in_co_creation_not_asked_sees_an_empty_list(expert_client, world):
    ask(world, [world["ann"]])
    page = expert_client.get(url(world))
    assert page.status_code == 200 and table_rows(page) == []
    assert "The team has not asked you for input on this proposal." in text(soup(page))


def test_the_recipient_is_notified(client_as, world):
    client = client_as(Role.EXPERT)
    ask(world, [client.user], section="risks")
    page = client.get("/notifications")
    assert "Sam Staff asked you for input on Risks in “Biochar accelerator” by" in text(soup(page))


# The input window -------------------------------------------------------------------------


def test_staff_extend_the_window_and_the_form_to_give_input_opens_again(client_as, world):
    staff, expert = client_as(Role.STAFF), client_as(Role.EXPERT)
    world["proposal"].input_closes_on = TODAY - timedelta(days=1)
    db.session.commit()
    assert expert.get(url(world, "contributions/new")).status_code == 403
    assert "Input on this proposal closed on" in text(soup(staff.get(url(world))))

    response = staff.post(url(world, "input-closes"), data=closes(TODAY + timedelta(days=10)))

    assert response.status_code == 302 and response.location == url(world)
    new_date = TODAY + timedelta(days=10)
    assert f"Input now closes on {new_date.day} {new_date:%B %Y}" in text(soup(staff.get(url(world))))
    db.session.expire_all()
    assert world["proposal"].input_closes_on == new_date
    [entry] = activities("proposal.updated")
    assert entry.changes["input_closes_on"][1] == new_date.isoformat()
    assert expert.get(url(world, "contributions/new")).status_code == 200


@pytest.mark.parametrize("values,message", [
    (closes(TODAY - timedelta(days=1)), "The date input closes must be today or later"),
    ({}, "Enter the date input closes"),
    ({"input_closes_on-day": "30", "input_closes_on-month": "2", "input_closes_on-year": "2030"},
     "Date input closes must be a real date, like 27 3 2023"),
])
def test_a_bad_close_date_is_refused_in_place(staff_client, world, values, message):
    before = world["proposal"].input_closes_on
    response = staff_client.post(url(world, "input-closes"), data=values)
    assert response.status_code == 200
    assert inline_error(response, "input_closes_on-day") == message
    assert summary_errors(response) == [message]
    db.session.expire_all()
    assert world["proposal"].input_closes_on == before
    assert activities("proposal.updated") == []


def test_the_window_cannot_be_moved_outside_co_creation(staff_client, world):
    world["proposal"].stage = ProposalStage.BOARD_REVIEW
    db.session.commit()
    response = staff_client.post(url(world, "input-closes"), data=closes(TODAY + timedelta(days=30)))
    assert response.status_code == 403
    assert "The date input closes can be changed only while the proposal is in co-creation" in text(soup(response))
    assert activities("proposal.updated") == []


def test_both_forms_work_with_the_pages_csrf_tokens(staff_client, world, csrf_on):
    page = soup(staff_client.get(url(world)))
    tokens = [form.select_one('input[name="csrf_token"]')["value"] for form in page.select("form[method=post]")
              if form["action"] in (url(world), url(world, "input-closes"))]
    assert len(tokens) == 2
    refused = staff_client.post(url(world), data=form_data(world))
    assert summary_errors(refused)[0].startswith("This form had expired or was sent from elsewhere")
    assert request_count() == 0
    assert staff_client.post(url(world), data={**form_data(world), "csrf_token": tokens[0]}).status_code == 302
    later = closes(TODAY + timedelta(days=25))
    assert staff_client.post(url(world, "input-closes"), data={**later, "csrf_token": tokens[1]}).status_code == 302


# /me/contributions -----------------------------------------------------------------------


def test_my_contributions_lists_the_requests_to_me_still_to_answer_first(client_as, world):
    client = client_as(Role.EXPERT)
    answered = ask(world, [client.user], section="need", due_on=TODAY + timedelta(days=1))
    give(world, client.user, section="need")
    later = ask(world, [client.user], due_on=TODAY + timedelta(days=9))
    sooner = ask(world, [client.user], section="risks", due_on=TODAY + timedelta(days=3))
    ask(world, [world["ann"]])

    page = client.get("/me/contributions")

    table = soup(page).find("table")
    rows = [[text(cell) for cell in row.find_all("td")] for row in table.select("tbody tr")]
    assert [row[1] for row in rows] == [sooner.message + " On Risks", later.message,
                                        answered.message + " On Need or challenge"]
    assert [row[3] for row in rows] == ["Open", "Open", "Answered"]
    assert rows[0][2] == f"{sooner.due_on.day} {sooner.due_on:%B %Y}"
    assert table.select_one("a")["href"] == f"/proposals/{world['proposal'].id}"
    assert rows[0][4].startswith("Give input")


# Query counts ------------------------------------------------------------------------------


def _counted(client, path, count_queries, make_row, app):
    assert_one_row_costs_what_thirty_cost(client, path, count_queries, make_row, app.config["PAGE_SIZE"])


def test_the_requests_page_does_not_query_per_request(app, staff_client, count_queries, world):
    def make_row(name):
        """A request to its own expert under its own sector, answered, on its own section."""
        sector = factories.make_sector()
        expert = factories.make_user(Role.EXPERT, organisation=factories.make_organisation())
        register(expert, sector)
        request = input_requests.ask_for_input(
            world["proposal"], world["staff"], message=name, due_on=TODAY, today=TODAY,
            sector=sector, section=section_of(world["proposal"], "risks"),
        )
        db.session.commit()
        give(world, expert, section="risks")
        assert request.id

    _counted(staff_client, url(world), count_queries, make_row, app)


def test_an_experts_pages_do_not_query_per_request(app, client_as, count_queries):
    client = client_as(Role.EXPERT)
    staff = factories.make_user(Role.STAFF)

    def make_row(name):
        """A request on a proposal of its own."""
        proposal = factories.make_proposal(stage=ProposalStage.CO_CREATION, input_closes_on=TODAY, title=name)
        input_requests.ask_for_input(proposal, staff, message=name, due_on=TODAY, today=TODAY,
                                     experts=[client.user], section=section_of(proposal, "need"))
        db.session.commit()

    _counted(client, "/me/contributions", count_queries, make_row, app)


def test_the_proposals_list_does_not_query_per_proposal_asked_about(app, client_as, count_queries):
    client = client_as(Role.EXPERT)
    staff = factories.make_user(Role.STAFF)

    def make_row(name):
        """A proposal the expert was asked about, since moved on to board review."""
        proposal = factories.make_proposal(stage=ProposalStage.CO_CREATION, input_closes_on=TODAY, title=name)
        input_requests.ask_for_input(proposal, staff, message="Help", due_on=TODAY, today=TODAY,
                                     experts=[client.user])
        proposal.stage = ProposalStage.BOARD_REVIEW
        db.session.commit()

    _counted(client, "/proposals/", count_queries, make_row, app)
