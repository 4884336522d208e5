"""The milestone pages through HTTP: adding one to a proposal or a programme, every refusal shown
beside its field with nothing saved, changing one (the 409 keeps what was typed), deleting one
after confirming, reading one with its RAG status and forecast, and /me/milestones."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, csrf_token_from, error_summary, heading, inline_error, input_value, soup, summary_list, text
from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.milestones.models import Milestone, MilestoneKind, MilestoneState, milestone_dependency
from tracker.milestones.views import manage
from tracker.proposals.models import ProposalStage

TODAY = date(2026, 3, 2)  # a Monday


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """The pages judge lateness by TODAY."""
    monkeypatch.setattr(manage, "today", lambda: TODAY)


@pytest.fixture
def programme():
    return factories.make_programme(name="West Midlands 2026")


@pytest.fixture
def proposal(programme):
    return factories.make_proposal(programme=programme, title="Hydrogen valley")


def form_data(owner, **values) -> dict:
    """A valid milestone form, due 20 March 2026, with `values` on top."""
    data = {
        "title": "Board sign-off", "milestone_kind": MilestoneKind.BOARD.value, "owner_id": str(owner.id),
        "due_on-day": "20", "due_on-month": "3", "due_on-year": "2026",
        "milestone_state": MilestoneState.NOT_STARTED.value, "notes": "",
    }
    data.update(values)
    return data


def options(response, name: str) -> list[str]:
    """The labels of a radio or checkbox group, or a select's options."""
    page = soup(response)
    if page.select(f"select[name={name}]"):
        return [text(option) for option in page.select(f"select[name={name}] option")]
    return [text(page.find("label", attrs={"for": each["id"]})) for each in page.select(f"input[name={name}]")]


def milestone_count() -> int:
    return db.session.scalar(select(func.count(Milestone.id)))


def dependency_ids(milestone) -> set[int]:
    return set(db.session.scalars(
        select(milestone_dependency.c.depends_on_id).where(milestone_dependency.c.milestone_id == milestone.id)
    ))


# -- Adding ----------------------------------------------------------------------------------------

def test_the_form_offers_only_what_fits_a_proposal_milestone(staff_client, programme, proposal):
    factories.make_user(Role.EXPERT, name="Erin Expert")
    factories.make_user(Role.ADMIN, name="Ada Admin")
    factories.make_user(Role.BOARD, name="Bo Board")
    factories.make_user(Role.STAFF, name="Gone Staff", active=False)
    factories.make_milestone(proposal, title="Draft ready", due_on=date(2026, 3, 10))
    factories.make_milestone(programme=programme, title="Deadline", due_on=date(2026, 3, 5))
    factories.make_milestone(factories.make_proposal(programme=programme), title="Another bid's")

    response = staff_client.get(f"/proposals/{proposal.id}/milestones/new")

    assert response.status_code == 200 and heading(response) == "Add a milestone"
    assert options(response, "milestone_kind") == ["Internal", "Board", "Innovate UK gateway", "Delivery"]
    owners = options(response, "owner_id")
    assert "Erin Expert (sector expert)" in owners and "Ada Admin (administrator)" in owners
    assert not [owner for owner in owners if owner.startswith(("Bo Board", "Gone Staff"))]
    assert soup(response).select_one("select[name=owner_id] option[selected]")["value"] == str(staff_client.user.id)
    assert options(response, "depends_on") == ["Programme: Deadline, due 5 March 2026", "Draft ready, due 10 March 2026"]


def test_a_programme_milestone_is_offered_programme_kinds_and_the_programmes_own(staff_client, programme, proposal):
    factories.make_milestone(programme=programme, title="EoI closes")
    factories.make_milestone(proposal, title="A proposal's")
    response = staff_client.get(f"/programmes/{programme.id}/milestones/new")
    assert options(response, "milestone_kind")[0] == "Expression of interest deadline"
    assert "Internal" not in options(response, "milestone_kind")
    assert options(response, "depends_on") == ["Programme: EoI closes, due 16 March 2026"]


def test_staff_add_a_milestone_to_a_proposal(staff_client, programme, proposal):
    deadline = factories.make_milestone(programme=programme, title="Deadline")
    owner = factories.make_user(Role.EXPERT)
    data = form_data(owner, **{"starts_on-day": "9", "starts_on-month": "3", "starts_on-year": "2026",
                               "depends_on": [str(deadline.id)], "notes": "Papers go out a week before."})

    response = staff_client.post(f"/proposals/{proposal.id}/milestones/new", data=data)

    milestone = db.session.scalar(select(Milestone).where(Milestone.title == "Board sign-off"))
    assert response.status_code == 302 and response.location == f"/milestones/{milestone.id}"
    assert (milestone.proposal_id, milestone.programme_id, milestone.owner_id) == (proposal.id, programme.id, owner.id)
    assert (milestone.starts_on, milestone.due_on, milestone.kind) == (date(2026, 3, 9), date(2026, 3, 20),
                                                                       MilestoneKind.BOARD)
    assert dependency_ids(milestone) == {deadline.id}
    assert activities("milestone.created")[0].actor_id == staff_client.user.id
    page = staff_client.get(response.location)
    assert "Board sign-off has been added" in text(soup(page))


def test_staff_add_a_programme_milestone(staff_client, programme):
    data = form_data(staff_client.user, title="Selection panel", milestone_kind=MilestoneKind.PANEL_DATE.value)
    response = staff_client.post(f"/programmes/{programme.id}/milestones/new", data=data)
    milestone = db.session.scalar(select(Milestone))
    assert response.status_code == 302
    assert (milestone.programme_id, milestone.proposal_id, milestone.kind) == (programme.id, None,
                                                                               MilestoneKind.PANEL_DATE)


def test_an_empty_form_says_what_is_missing(staff_client, proposal):
    response = staff_client.post(f"/proposals/{proposal.id}/milestones/new",
                                 data={"title": "", "owner_id": "", "milestone_state": ""})
    assert response.status_code == 400
    assert [message for message, _ in error_summary(response)] == [
        "Enter the milestone's title", "Enter the due date",
    ]
    assert milestone_count() == 0


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"milestone_kind": MilestoneKind.PANEL_DATE.value}, "milestone_kind",
     "Selection panel is for a programme's own milestones: choose Internal, Board, Innovate UK gateway or Delivery"),
    ({"milestone_kind": ""}, "milestone_kind", "Select the kind of milestone"),
    ({"owner_id": ""}, "owner_id", "Select who owns this milestone"),
    ({"starts_on-day": "21", "starts_on-month": "3", "starts_on-year": "2026"}, "due_on-day",
     "Due date must be the same as or after the start date, 21 March 2026"),
    ({"due_on-day": "31", "due_on-month": "2"}, "due_on-day", "Due date must be a real date, like 27 3 2023"),
    ({"title": "x" * 201}, "title", "Title must be 200 characters or fewer"),
    ({"milestone_state": "finished"}, "milestone_state", "Select the milestone's state"),
])
def test_a_refused_milestone_is_explained_beside_its_field(staff_client, proposal, values, field, message):
    response = staff_client.post(f"/proposals/{proposal.id}/milestones/new",
                                 data=form_data(staff_client.user, **values))
    assert response.status_code == 400
    assert inline_error(response, field) == message
    assert message in [entry for entry, _ in error_summary(response)]
    assert input_value(response, "title") == values.get("title", "Board sign-off")
    assert milestone_count() == 0 and activities("milestone.created") == []


def test_a_board_member_cannot_own_a_milestone(staff_client, proposal):
    board = factories.make_user(Role.BOARD, name="Bo Board")
    response = staff_client.post(f"/proposals/{proposal.id}/milestones/new", data=form_data(board))
    assert response.status_code == 400
    assert inline_error(response, "owner_id") == (
        "Bo Board cannot own a milestone: choose an active member of staff or expert")
    assert milestone_count() == 0


def test_a_dependency_on_another_proposals_milestone_is_refused(staff_client, programme, proposal):
    factories.make_milestone(proposal, title="Ours")
    theirs = factories.make_milestone(factories.make_proposal(programme=programme), title="Theirs")
    response = staff_client.post(f"/proposals/{proposal.id}/milestones/new",
                                 data=form_data(staff_client.user, depends_on=[str(theirs.id)]))
    assert response.status_code == 400
    assert inline_error(response, "depends_on") == (
        "“Theirs” belongs elsewhere: a milestone can depend only on milestones of its own proposal or of its programme")
    assert milestone_count() == 2


def test_marking_done_on_the_form_records_today(staff_client, proposal):
    staff_client.post(f"/proposals/{proposal.id}/milestones/new",
                      data=form_data(staff_client.user, milestone_state=MilestoneState.DONE.value))
    assert db.session.scalar(select(Milestone.done_on)) == TODAY


# -- Changing --------------------------------------------------------------------------------------

def test_the_edit_form_starts_from_the_saved_milestone(staff_client, proposal):
    before = factories.make_milestone(proposal, title="Before")
    milestone = factories.make_milestone(proposal, title="Sign-off", starts_on=date(2026, 3, 1), depends_on=[before],
                                         kind=MilestoneKind.GATEWAY, state=MilestoneState.IN_PROGRESS)
    response = staff_client.get(f"/milestones/{milestone.id}/edit")
    assert response.status_code == 200 and heading(response) == "Change Sign-off"
    page = soup(response)
    assert input_value(response, "title") == "Sign-off"
    assert input_value(response, "starts_on-day") == "1" and input_value(response, "due_on-month") == "3"
    assert page.select_one("input[name=milestone_kind][checked]")["value"] == "gateway"
    assert page.select_one("input[name=milestone_state][checked]")["value"] == "in_progress"
    assert [each["value"] for each in page.select("input[name=depends_on][checked]")] == [str(before.id)]
    assert options(response, "depends_on") == ["Before, due 16 March 2026"]  # never itself
    assert page.select_one("input[name=edit_version]")["value"] == "1"


def test_staff_change_a_milestone_and_mark_it_done(staff_client, proposal):
    milestone = factories.make_milestone(proposal, title="Sign-off", state=MilestoneState.IN_PROGRESS)
    data = form_data(staff_client.user, title="Board sign-off", milestone_state=MilestoneState.DONE.value,
                     edit_version="1")
    response = staff_client.post(f"/milestones/{milestone.id}/edit", data=data)
    assert response.status_code == 302 and response.location == f"/milestones/{milestone.id}"
    db.session.refresh(milestone)
    assert (milestone.title, milestone.state, milestone.done_on, milestone.version) == (
        "Board sign-off", MilestoneState.DONE, TODAY, 2)
    page = staff_client.get(f"/milestones/{milestone.id}")
    assert summary_list(page)["Done on"] == "2 March 2026"


def test_a_cycle_made_on_the_form_is_refused_naming_it(staff_client, proposal):
    a = factories.make_milestone(proposal, title="Draft")
    b = factories.make_milestone(proposal, title="Review", depends_on=[a])
    c = factories.make_milestone(proposal, title="Sign-off", depends_on=[b])
    data = form_data(staff_client.user, title="Draft", milestone_kind="internal", depends_on=[str(c.id)],
                     edit_version="1")
    response = staff_client.post(f"/milestones/{a.id}/edit", data=data)
    assert response.status_code == 400
    assert inline_error(response, "depends_on") == "That would make a cycle: Draft → Sign-off → Review → Draft"
    assert dependency_ids(a) == set()


def test_a_save_on_an_old_version_answers_409_keeping_what_was_typed(staff_client, proposal):
    milestone = factories.make_milestone(proposal, title="Sign-off", due_on=date(2026, 3, 16))
    staff_client.post(f"/milestones/{milestone.id}/edit",
                      data=form_data(staff_client.user, title="Someone else's", milestone_kind="internal",
                                     edit_version="1", **{"due_on-day": "25"}))
    mine = form_data(staff_client.user, title="Mine", milestone_kind="internal", edit_version="1",
                     notes="My notes")

    response = staff_client.post(f"/milestones/{milestone.id}/edit", data=mine)

    assert response.status_code == 409
    assert error_summary(response)[0][0].startswith("Someone else changed this milestone while you were editing it")
    assert input_value(response, "title") == "Mine"
    assert soup(response).select_one("textarea[name=notes]").get_text() == "My notes"
    assert soup(response).select_one("input[name=edit_version]")["value"] == "2"
    rows = {text(row.th): [text(cell) for cell in row.select("td")]
            for row in soup(response).select("table.tracker-conflicts tbody tr")}
    assert rows["Title"] == ["Someone else's", "Mine"]
    assert rows["Due date"] == ["25 March 2026", "20 March 2026"]
    assert "Kind" not in rows  # the same on both sides
    assert rows["Notes"] == ["Not set", "My notes"]
    db.session.refresh(milestone)
    assert milestone.title == "Someone else's"


def test_nothing_changed_is_said_so(staff_client, proposal):
    milestone = factories.make_milestone(proposal, title="Sign-off", kind=MilestoneKind.INTERNAL,
                                         due_on=date(2026, 3, 20), owner=factories.make_user(Role.STAFF))
    data = form_data(db.session.get(User, milestone.owner_id), title="Sign-off",
                     milestone_kind="internal", edit_version="1")
    staff_client.post(f"/milestones/{milestone.id}/edit", data=data)
    page = staff_client.get(f"/milestones/{milestone.id}")
    assert "Nothing was changed" in text(soup(page))
    assert activities("milestone.updated") == []


# -- Deleting --------------------------------------------------------------------------------------

def test_deleting_asks_first_then_removes_the_milestone_and_its_links(staff_client, proposal):
    first = factories.make_milestone(proposal, title="First")
    middle = factories.make_milestone(proposal, title="Middle", depends_on=[first])
    last = factories.make_milestone(proposal, title="Last", depends_on=[middle])

    asked = staff_client.post(f"/milestones/{middle.id}/delete")

    assert asked.status_code == 200
    warning = text(soup(asked).select_one(".govuk-warning-text"))
    assert "Are you sure you want to delete Middle?" in warning
    assert "What depends on it will no longer depend on it." in warning
    assert soup(asked).select_one("form input[name=confirm]")["value"] == "yes"
    assert milestone_count() == 3

    response = staff_client.post(f"/milestones/{middle.id}/delete", data={"confirm": "yes"})

    assert response.status_code == 302 and response.location == f"/proposals/{proposal.id}/milestones"
    assert set(db.session.scalars(select(Milestone.title))) == {"First", "Last"}
    assert dependency_ids(last) == set()
    assert activities("milestone.deleted")[0].actor_id == staff_client.user.id


def test_deleting_a_programme_milestone_goes_back_to_the_programme_timeline(staff_client, programme):
    milestone = factories.make_milestone(programme=programme)
    response = staff_client.post(f"/milestones/{milestone.id}/delete", data={"confirm": "yes"})
    assert response.location == f"/programmes/{programme.id}/timeline"


def test_deleting_works_with_real_form_tokens(staff_client, proposal, csrf_on):
    milestone = factories.make_milestone(proposal)
    page = staff_client.get(f"/milestones/{milestone.id}")
    asked = staff_client.post(f"/milestones/{milestone.id}/delete", data={"csrf_token": csrf_token_from(page)})
    assert asked.status_code == 200 and milestone_count() == 1
    confirm = soup(asked).select_one("form input[name=confirm]").find_parent("form")
    data = {field["name"]: field["value"] for field in confirm.select("input[type=hidden]")}
    response = staff_client.post(f"/milestones/{milestone.id}/delete", data=data)
    assert response.status_code == 302 and milestone_count() == 0


# -- Reading ---------------------------------------------------------------------------------------

def test_the_page_shows_every_field_the_rag_status_and_the_forecast(staff_client, programme, proposal):
    owner = factories.make_user(Role.EXPERT, name="Erin Expert")
    deadline = factories.make_milestone(programme=programme, title="Deadline", due_on=date(2026, 3, 5))
    late = factories.make_milestone(proposal, title="Draft", due_on=date(2026, 2, 25),
                                    state=MilestoneState.IN_PROGRESS)  # 5 days overdue
    milestone = factories.make_milestone(
        proposal, title="Sign-off", owner=owner, kind=MilestoneKind.BOARD, starts_on=date(2026, 3, 10),
        due_on=date(2026, 3, 30), state=MilestoneState.IN_PROGRESS, notes="Papers a week before.",
        depends_on=[late, deadline],
    )
    after = factories.make_milestone(proposal, title="Submit", due_on=date(2026, 4, 10), depends_on=[milestone])

    response = staff_client.get(f"/milestones/{milestone.id}")

    assert response.status_code == 200 and heading(response) == "Sign-off"
    status = soup(response).select_one("#rag-status")
    assert text(status) == "▲ Amber A milestone it depends on is late"
    assert status.select_one(".govuk-tag--orange")
    details = summary_list(response)
    assert details == {
        "Kind": "Board", "Owner": "Erin Expert", "Start date": "10 March 2026", "Due date": "30 March 2026",
        "State": "In progress", "Status": "Amber", "Forecast": "4 April 2026 (5 days late) "
        "Held up by Draft", "Notes": "Papers a week before.",
    }
    depends_on = [text(row.td) for row in soup(response).select("#depends-on tbody tr")]
    assert depends_on == ["Draft", "Deadline Programme milestone"]
    assert [text(cell) for cell in soup(response).select("#depends-on tbody tr")[0].select("td")][1:] == [
        "25 February 2026", "2 March 2026 (5 days late)", "! Red"]
    assert [text(row.td) for row in soup(response).select("#dependents tbody tr")] == ["Submit"]
    assert soup(response).select_one(f"#dependents a[href='/milestones/{after.id}']")
    links = {a["href"] for a in soup(response).select("a")}
    assert {f"/milestones/{milestone.id}/edit", f"/proposals/{proposal.id}/milestones",
            f"/programmes/{programme.id}/timeline"} <= links


def test_a_done_milestone_says_when(staff_client, proposal):
    milestone = factories.make_milestone(proposal, state=MilestoneState.DONE, due_on=date(2026, 2, 10),
                                         done_on=date(2026, 2, 12))
    response = staff_client.get(f"/milestones/{milestone.id}")
    assert text(soup(response).select_one("#rag-status")) == "✓ Done Done on 12 February 2026"
    assert summary_list(response)["Forecast"] == "Done on 12 February 2026 (2 days late)"


@pytest.mark.parametrize(("values", "words"), [
    ({"due_on": date(2026, 2, 27)}, "! Red Overdue: it was due on 27 February 2026"),
    ({"state": MilestoneState.BLOCKED, "due_on": date(2026, 5, 1)}, "! Red Blocked"),
    ({"due_on": date(2026, 3, 16)}, "▲ Amber Due within 14 days and not started"),
    ({"due_on": date(2026, 3, 17)}, "● Green On track"),
])
def test_the_status_is_explained_in_words(staff_client, proposal, values, words):
    milestone = factories.make_milestone(proposal, **values)
    response = staff_client.get(f"/milestones/{milestone.id}")
    assert text(soup(response).select_one("#rag-status")) == words


def test_experts_and_board_read_but_do_not_change(client_as, programme, proposal):
    milestone = factories.make_milestone(proposal, title="Sign-off")
    board = client_as(Role.BOARD)
    response = board.get(f"/milestones/{milestone.id}")
    assert response.status_code == 200
    assert not soup(response).select(f"a[href='/milestones/{milestone.id}/edit']")
    assert not soup(response).select("form[action$='/delete']")
    expert = client_as(Role.EXPERT)
    assert expert.get(f"/milestones/{milestone.id}").status_code == 403  # a draft is not open to experts
    assert expert.get(f"/milestones/{milestone.id}/edit").status_code == 403
    own = factories.make_milestone(proposal, title="Theirs", owner=expert.user)
    response = expert.get(f"/milestones/{own.id}")
    assert response.status_code == 200
    # The owner reads their own milestone, but not the draft it belongs to.
    assert not soup(response).select(f"a[href='/proposals/{proposal.id}']")
    assert soup(response).select_one(f"a[href='/programmes/{programme.id}']")


def test_an_expert_sees_only_the_dependents_on_proposals_open_to_them(client_as, programme):
    deadline = factories.make_milestone(programme=programme, title="Deadline")
    draft = factories.make_proposal(programme=programme)
    open_one = factories.make_proposal(programme=programme, stage=ProposalStage.CO_CREATION, title="Open bid")
    factories.make_milestone(draft, title="Hidden step", depends_on=[deadline])
    factories.make_milestone(open_one, title="Open step", depends_on=[deadline])
    response = client_as(Role.EXPERT).get(f"/milestones/{deadline.id}")
    assert response.status_code == 200
    assert [text(row.td) for row in soup(response).select("#dependents tbody tr")] == ["Open step Open bid"]
    assert "1 more on proposals you cannot see." in text(soup(response))
    assert "Hidden step" not in response.get_data(as_text=True)


def test_a_missing_milestone_is_404(staff_client):
    assert staff_client.get("/milestones/999").status_code == 404


# -- /me/milestones --------------------------------------------------------------------------------

def test_my_milestones_are_grouped_overdue_this_week_and_later(client_as, proposal):
    client = client_as(Role.EXPERT)
    me = client.user
    for title, due, state in (
        ("Overdue one", date(2026, 3, 1), MilestoneState.IN_PROGRESS),
        ("Due today", TODAY, MilestoneState.NOT_STARTED),
        ("Sunday", date(2026, 3, 8), MilestoneState.IN_PROGRESS),  # today + 6
        ("Next Monday", date(2026, 3, 9), MilestoneState.IN_PROGRESS),  # today + 7
        ("Finished", date(2026, 2, 1), MilestoneState.DONE),
    ):
        factories.make_milestone(proposal, title=title, due_on=due, state=state, owner=me)
    factories.make_milestone(proposal, title="Someone else's", due_on=TODAY)

    response = client.get("/me/milestones")

    assert response.status_code == 200 and heading(response) == "Your milestones"
    groups = {text(table.caption): [text(row.td.a) for row in table.select("tbody tr")]
              for table in soup(response).select("table")}
    assert groups == {
        "Overdue (1)": ["Overdue one"], "Due this week (2)": ["Due today", "Sunday"], "Later (1)": ["Next Monday"],
    }
    assert "You have finished 1 other, not listed here." in text(soup(response))
    row = soup(response).select_one("#overdue tbody tr")
    assert [text(cell) for cell in row.select("td")][1:] == [
        "1 March 2026", "2 March 2026 (1 day late)", "! Red"]
    # An expert owner is not shown a link to a draft they may not see.
    assert not soup(response).select(f"a[href='/proposals/{proposal.id}']")


def test_nothing_to_do_is_said_so(staff_client):
    response = staff_client.get("/me/milestones")
    assert "You have no milestones to do." in text(soup(response))


def test_my_milestones_are_paged(staff_client, proposal, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for day in (1, 2, 3):
        factories.make_milestone(proposal, title=f"Step {day}", due_on=date(2026, 4, day), owner=staff_client.user)
    second = staff_client.get("/me/milestones?page=2")
    assert [text(row.td.a) for row in soup(second).select("tbody tr")] == ["Step 3"]
    assert text(soup(second).select_one("caption")) == "Later (3)"


# -- Links from other pages ------------------------------------------------------------------------

def test_the_proposal_and_programme_pages_link_to_the_timelines(staff_client, programme, proposal):
    page = staff_client.get(f"/proposals/{proposal.id}")
    assert soup(page).find("a", string="Milestones")["href"] == f"/proposals/{proposal.id}/milestones"
    page = staff_client.get(f"/programmes/{programme.id}")
    assert soup(page).find("a", string="Timeline")["href"] == f"/programmes/{programme.id}/timeline"
