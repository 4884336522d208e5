"""The audit log pages: one proposal's activity, the admins' global log with its filters, and
the rule that nobody edits or deletes an entry."""

from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from tests import factories
from tests.pages import error_summary, inline_error, soup, table_column, text
from tracker.activity.models import Activity, ActivityIsImmutable
from tracker.activity.services import record_activity
from tracker.auth.models import Role
from tracker.contributions.models import ContributionKind, ContributionStatus
from tracker.contributions.services import respond, submit_contribution
from tracker.extensions import db
from tracker.proposals import services as proposal_services
from tracker.proposals.models import Proposal, ProposalStage
from tracker.proposals.stages import move_stage

WHEN, WHO, WHAT, PROPOSAL = range(4)


def entry(actor, summary, *, proposal=None, verb="proposal.updated", when=None, changes=None):
    """An audit entry written by the real service, at a chosen time."""
    made = record_activity(
        actor, verb, proposal or actor, summary, changes, proposal_id=proposal.id if proposal else None
    )
    if when is not None:
        made.created_at = when  # still pending: this is its first and only write
    db.session.commit()
    return made


def change_lines(response, row: int = 0) -> list[str]:
    """The before/after lines under one row's summary."""
    cells = soup(response).select("table.govuk-table tbody tr")[row].find_all("td")
    return [text(item) for item in cells[WHAT].select("li")]


def options(response, select_id: str) -> list[str]:
    return [text(option) for option in soup(response).select(f"select#{select_id} option")]


def selected(response, select_id: str) -> str:
    return text(soup(response).select_one(f"select#{select_id} option[selected]"))


# One proposal's activity --------------------------------------------------------------------


def test_a_proposals_activity_shows_who_did_what_newest_first(staff_client):
    proposal = factories.make_proposal(stage=ProposalStage.CO_CREATION, title="Biochar accelerator")
    entry(None, "Imported from the spreadsheet", proposal=proposal, when=datetime(2023, 1, 5, tzinfo=UTC))
    move_stage(proposal, ProposalStage.DRAFT, staff_client.user, "Needs a costed plan")
    db.session.commit()
    entry(staff_client.user, "Not this one", proposal=factories.make_proposal())

    response = staff_client.get(f"/proposals/{proposal.id}/activity")

    assert response.status_code == 200
    assert text(soup(response).select_one(".govuk-caption-l")) == "Biochar accelerator"
    assert table_column(response, WHO) == [staff_client.user.name, "System"]
    what = table_column(response, WHAT)
    assert what[0].startswith("Stage changed Moved Biochar accelerator from Co-creation to Draft")
    assert what[1] == "Proposal changed Imported from the spreadsheet"
    assert change_lines(response) == [
        "Stage: Co-creation → changed to Draft",
        "Comment: Needs a costed plan",
    ]
    assert table_column(response, WHEN)[1] == "5 January 2023 at 12:00am"
    assert "Not this one" not in response.get_data(as_text=True)


def test_times_are_shown_in_uk_time(staff_client):
    proposal = factories.make_proposal()
    entry(staff_client.user, "Late in a summer evening", proposal=proposal,
          when=datetime(2023, 6, 30, 23, 30, tzinfo=UTC))

    response = staff_client.get(f"/proposals/{proposal.id}/activity")

    assert table_column(response, WHEN) == ["1 July 2023 at 12:30am"]


def test_ids_in_changes_are_shown_as_names_and_money_as_pounds(staff_client):
    old_owner = factories.make_user(Role.STAFF, name="Priya Shah")
    new_owner = factories.make_user(Role.STAFF, name="Tom Okafor")
    made = factories.make_proposal(owner=old_owner, funding_ask=1_500_000)
    proposal = db.session.get(Proposal, made.id, options=[selectinload(Proposal.partners)],
                              populate_existing=True)
    values = {**proposal_services.proposal_values(proposal), "owner_id": new_owner.id,
              "funding_ask": 14_500_000}
    proposal_services.update_proposal(proposal, values, proposal.version, staff_client.user)
    db.session.commit()

    response = staff_client.get(f"/proposals/{proposal.id}/activity")

    assert change_lines(response) == [
        "Owner: Priya Shah → changed to Tom Okafor",
        "Funding ask: £1,500,000 → changed to £14,500,000",
    ]


def test_long_text_in_changes_is_cut_short(staff_client):
    proposal = factories.make_proposal()
    entry(staff_client.user, "Changed the summary", proposal=proposal,
          changes={"summary": ["Short.", "word " * 100]})

    response = staff_client.get(f"/proposals/{proposal.id}/activity")

    line = change_lines(response)[0]
    assert line.startswith("Summary: Short. → changed to word word")
    assert line.endswith("…")
    assert len(line) < 200


def test_a_proposal_with_no_activity_says_so(staff_client):
    proposal = factories.make_proposal()

    response = staff_client.get(f"/proposals/{proposal.id}/activity")

    assert "Nothing has happened to this proposal yet." in text(soup(response).main)
    assert not soup(response).select("table")


def test_the_activity_page_offers_no_way_to_change_an_entry(admin_client):
    proposal = factories.make_proposal()
    entry(admin_client.user, "Something happened", proposal=proposal)

    response = admin_client.get(f"/proposals/{proposal.id}/activity")

    main = soup(response).main
    assert not main.select("form"), "the audit log is read-only"
    assert not main.select("button, input")


def test_a_proposals_activity_is_paginated(board_client):
    proposal = factories.make_proposal()
    start = datetime(2023, 3, 1, 9, 0, tzinfo=UTC)
    for n in range(30):
        entry(None, f"Entry {n:02}", proposal=proposal, when=start + timedelta(hours=n))

    first = board_client.get(f"/proposals/{proposal.id}/activity")
    second = board_client.get(f"/proposals/{proposal.id}/activity?page=2")

    assert [row.split()[-1] for row in table_column(first, WHAT)] == [f"{n:02}" for n in range(29, 4, -1)]
    assert [row.split()[-1] for row in table_column(second, WHAT)] == ["04", "03", "02", "01", "00"]
    assert "Showing 26 to 30 of 30" in text(soup(second).main)


@pytest.mark.parametrize("stage,status", [
    (ProposalStage.DRAFT, 403),
    (ProposalStage.CO_CREATION, 200),
    (ProposalStage.BOARD_REVIEW, 403),
])
def test_experts_see_the_activity_of_proposals_open_to_them_only(expert_client, stage, status):
    proposal = factories.make_proposal(stage=stage)

    assert expert_client.get(f"/proposals/{proposal.id}/activity").status_code == status


def test_experts_do_not_learn_of_other_experts_unanswered_input_from_the_log(client_as, staff_client):
    """Another expert's input appears in the log only once staff have answered it; the reader's
    own input always does; staff see everything."""
    proposal = factories.make_proposal(stage=ProposalStage.CO_CREATION, input_closes_on=date(2099, 1, 1))
    reader = client_as(Role.EXPERT)
    other = factories.make_user(Role.EXPERT)
    staff = factories.make_user(Role.STAFF)
    sector = factories.make_sector("Clean tech")
    give = partial(submit_contribution, proposal, kind=ContributionKind.COMMENT, body="Words", sector=sector)
    give(reader.user, title="Mine, waiting")
    give(other, title="Theirs, waiting")
    answered = give(other, title="Theirs, answered")
    respond(answered, proposal, outcome=ContributionStatus.NOTED, reason="", actor=staff)
    db.session.commit()

    expert_view = text(soup(reader.get(f"/proposals/{proposal.id}/activity")).main)
    staff_view = text(soup(staff_client.get(f"/proposals/{proposal.id}/activity")).main)

    assert "Mine, waiting" in expert_view and "Theirs, answered" in expert_view
    assert "Theirs, waiting" not in expert_view
    assert "Theirs, waiting" in staff_view


def test_the_activity_of_a_missing_proposal_is_404(staff_client):
    assert staff_client.get("/proposals/999999/activity").status_code == 404


def test_the_proposal_page_links_to_its_activity(staff_client):
    proposal = factories.make_proposal()

    response = staff_client.get(f"/proposals/{proposal.id}")

    assert soup(response).find("a", href=f"/proposals/{proposal.id}/activity")


# The global log --------------------------------------------------------------------------------


@pytest.fixture
def log(admin_client):
    """Entries by two people on two proposals on three days, and one about no proposal."""
    alice = factories.make_user(Role.STAFF, name="Alice Staff")
    bob = factories.make_user(Role.STAFF, name="Bob Staff")
    health = factories.make_proposal(title="Health tech accelerator")
    clean = factories.make_proposal(title="Clean tech accelerator")
    day = datetime(2023, 3, 14, 12, 0, tzinfo=UTC)
    made = {
        "alice moved health": entry(alice, "alice moved health", proposal=health,
                                    verb="proposal.stage_changed", when=day - timedelta(days=1),
                                    changes={"stage": ["draft", "co_creation"]}),
        "alice saved clean": entry(alice, "alice saved clean", proposal=clean, verb="section.saved",
                                   when=day),
        "bob moved clean": entry(bob, "bob moved clean", proposal=clean,
                                 verb="proposal.stage_changed", when=day + timedelta(days=1)),
        "bob added a person": entry(bob, "bob added a person", verb="user.created",
                                    when=day + timedelta(days=1, hours=1)),
    }
    return {"alice": alice, "bob": bob, "health": health, "clean": clean, "entries": made,
            "client": admin_client}


def summaries(response) -> list[str]:
    """Each listed entry's summary (the What cell without its kind label and changes)."""
    rows = soup(response).select("table.govuk-table tbody tr")
    listed = []
    for row in rows:
        cell = row.find_all("td")[WHAT]
        for extra in cell.select(".tracker-secondary-text, ul"):
            extra.extract()
        listed.append(text(cell))
    return listed


def test_the_global_log_lists_every_entry_newest_first_with_its_proposal(log):
    response = log["client"].get("/activity")

    assert response.status_code == 200
    assert summaries(response) == [
        "bob added a person", "bob moved clean", "alice saved clean", "alice moved health",
    ]
    assert table_column(response, PROPOSAL) == [
        "None", "Clean tech accelerator activity", "Clean tech accelerator activity",
        "Health tech accelerator activity",
    ]
    link = soup(response).select("table tbody tr")[1].find_all("td")[PROPOSAL].a
    assert link["href"] == f"/proposals/{log['clean'].id}/activity"
    assert change_lines(response, 3) == ["Stage: Draft → changed to Co-creation"]


def test_the_kind_filter_offers_the_kinds_present_in_words(log):
    response = log["client"].get("/activity")

    assert options(response, "kind") == ["Any kind", "Section saved", "Stage changed", "User created"]
    values = [option["value"] for option in soup(response).select("select#kind option")]
    assert "proposal.stage_changed" in values
    assert "Alice Staff" in options(response, "person")
    assert options(response, "proposal")[0] == "Any proposal"
    assert "Health tech accelerator" in options(response, "proposal")


@pytest.mark.parametrize("query,expected", [
    (lambda w: f"person={w['alice'].id}", ["alice saved clean", "alice moved health"]),
    (lambda w: f"proposal={w['clean'].id}", ["bob moved clean", "alice saved clean"]),
    (lambda w: "kind=proposal.stage_changed", ["bob moved clean", "alice moved health"]),
    (lambda w: "date_from-day=14&date_from-month=3&date_from-year=2023",
     ["bob added a person", "bob moved clean", "alice saved clean"]),
    (lambda w: "date_to-day=14&date_to-month=3&date_to-year=2023",
     ["alice saved clean", "alice moved health"]),
    (lambda w: "date_from-day=14&date_from-month=3&date_from-year=2023"
               "&date_to-day=14&date_to-month=3&date_to-year=2023", ["alice saved clean"]),
    (lambda w: f"person={w['bob'].id}&kind=proposal.stage_changed", ["bob moved clean"]),
    (lambda w: f"person={w['alice'].id}&proposal={w['clean'].id}", ["alice saved clean"]),
    (lambda w: f"person={w['alice'].id}&proposal={w['clean'].id}&kind=proposal.stage_changed", []),
    (lambda w: f"proposal={w['clean'].id}&date_from-day=15&date_from-month=3&date_from-year=2023",
     ["bob moved clean"]),
], ids=["person", "proposal", "kind", "from", "to", "one day", "person and kind",
        "person and proposal", "nothing matches", "proposal and from"])
def test_the_filters_narrow_the_log_alone_and_combined(log, query, expected):
    response = log["client"].get(f"/activity?{query(log)}")

    assert response.status_code == 200
    assert not error_summary(response)
    assert summaries(response) == expected
    if not expected:
        assert "No activity matches these filters." in text(soup(response).main)


def test_the_form_keeps_the_chosen_filters(log):
    response = log["client"].get(
        f"/activity?person={log['bob'].id}&proposal={log['clean'].id}&kind=proposal.stage_changed"
        "&date_from-day=15&date_from-month=3&date_from-year=2023"
    )

    assert selected(response, "person") == "Bob Staff"
    assert selected(response, "proposal") == "Clean tech accelerator"
    assert selected(response, "kind") == "Stage changed"
    page = soup(response)
    assert [page.select_one(f"#date_from-{part}")["value"] for part in ("day", "month", "year")] == [
        "15", "3", "2023"
    ]


def test_days_are_uk_days(admin_client):
    # 23:30 UTC on 30 June is 00:30 on 1 July in British Summer Time.
    entry(admin_client.user, "just after midnight", when=datetime(2023, 6, 30, 23, 30, tzinfo=UTC))

    on_the_first = admin_client.get("/activity?date_from-day=1&date_from-month=7&date_from-year=2023")
    by_the_thirtieth = admin_client.get("/activity?date_to-day=30&date_to-month=6&date_to-year=2023")

    assert summaries(on_the_first) == ["just after midnight"]
    assert summaries(by_the_thirtieth) == []


@pytest.mark.parametrize("query,field_id,message", [
    ("date_from-day=31&date_from-month=2&date_from-year=2023", "date_from-day",
     "Date from must be a real date, like 27 3 2023"),
    ("date_from-day=1&date_from-year=2023", "date_from-day", "Date from must include a month"),
    ("date_to-day=x&date_to-month=3&date_to-year=2023", "date_to-day",
     "Date to must be a real date, like 27 3 2023"),
    ("date_from-day=15&date_from-month=3&date_from-year=2023"
     "&date_to-day=14&date_to-month=3&date_to-year=2023", "date_to-day",
     "Date to must be the same as or after date from"),
    ("person=999999", "person", "Choose a person from the list"),
    ("person=someone", "person", "Choose a person from the list"),
    ("kind=made.up", "kind", "Choose a kind from the list"),
])
def test_bad_filters_are_explained_in_place(log, query, field_id, message):
    response = log["client"].get(f"/activity?{query}")

    assert response.status_code == 200
    assert error_summary(response) == [(message, f"#{field_id}")]
    assert inline_error(response, field_id) == message
    assert soup(response).title.get_text().startswith("Error: Activity")


def test_a_bad_filter_narrows_nothing_but_the_good_ones_still_apply(log):
    response = log["client"].get(
        f"/activity?person={log['alice'].id}&date_from-day=31&date_from-month=2&date_from-year=2023"
    )

    assert summaries(response) == ["alice saved clean", "alice moved health"]
    assert selected(response, "person") == "Alice Staff"
    assert soup(response).select_one("#date_from-day")["value"] == "31"


def test_the_log_is_paginated_and_its_pages_keep_the_filters(admin_client):
    alice = factories.make_user(Role.STAFF, name="Alice Staff")
    start = datetime(2023, 3, 1, tzinfo=UTC)
    for n in range(30):
        entry(alice, f"Entry {n:02}", when=start + timedelta(hours=n))
    entry(admin_client.user, "Someone else's entry")

    first = admin_client.get(f"/activity?person={alice.id}")

    assert len(summaries(first)) == 25
    next_link = soup(first).select_one(".govuk-pagination__next a")["href"]
    assert f"person={alice.id}" in next_link and "page=2" in next_link
    second = admin_client.get(next_link)
    assert summaries(second) == ["Entry 04", "Entry 03", "Entry 02", "Entry 01", "Entry 00"]
    assert "Showing 26 to 30 of 30" in text(soup(second).main)


def test_only_admins_have_the_activity_item_in_the_navigation(admin_client, staff_client):
    def navigation(client):
        return [text(link) for link in soup(client.get("/")).select(".govuk-service-navigation__list a")]

    assert "Activity" in navigation(admin_client)
    assert "Activity" not in navigation(staff_client)
    current = soup(admin_client.get("/activity")).select_one(".govuk-service-navigation__item--active")
    assert text(current) == "Activity"


# Nobody edits or deletes an entry ------------------------------------------------------------


@pytest.fixture
def recorded():
    user = factories.make_user(Role.ADMIN)
    return entry(user, "Something happened", proposal=factories.make_proposal())


def test_an_entry_cannot_be_edited(recorded):
    recorded.summary = "Rewritten history"
    with pytest.raises(ActivityIsImmutable):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Activity, recorded.id).summary == "Something happened"


def test_an_entry_cannot_be_deleted(recorded):
    db.session.delete(recorded)
    with pytest.raises(ActivityIsImmutable):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Activity, recorded.id) is not None


@pytest.mark.parametrize("statement", [
    update(Activity).values(summary="Rewritten history"),
    delete(Activity),
], ids=["bulk update", "bulk delete"])
def test_bulk_statements_cannot_change_entries_either(recorded, statement):
    with pytest.raises(ActivityIsImmutable):
        db.session.execute(statement)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Activity.id))) == 1
    assert db.session.get(Activity, recorded.id).summary == "Something happened"


def test_no_route_changes_the_audit_log(app):
    writing = {"POST", "PUT", "PATCH", "DELETE"}
    for rule in app.url_map.iter_rules():
        if "activity" in rule.rule or rule.endpoint.startswith("activity."):
            assert not rule.methods & writing, f"{rule.rule} accepts {sorted(rule.methods & writing)}"
