"""The activity and assessment exports through HTTP: a proposal's activity with the page's rule
for experts (another expert's unanswered input is a hidden row), the whole log with its filters
(a bad filter narrows nothing, as on the page), and a programme's assessments summarised against
the threshold, for staff and the board only."""

from datetime import UTC, date, datetime
from functools import partial

import pytest

from tests import factories
from tests.pages import soup, text
from tests.test_assessments import SEVENTY, SEVENTY_ONE, add_review, assessed_proposal
from tests.test_exports_table import column, read_csv, read_xlsx
from tracker.activity.services import record_activity
from tracker.assessments.models import Outcome, OutcomeResult
from tracker.auth.models import Role
from tracker.contributions.models import ContributionKind, ContributionStatus
from tracker.contributions.services import respond, submit_contribution
from tracker.extensions import db
from tracker.proposals.models import ProposalStage

FORMATS = ("csv", "xlsx")


def read(client, address: str, file_format: str) -> list[list]:
    response = client.get(address)
    return read_csv(response) if file_format == "csv" else read_xlsx(response)


def page_entries(response) -> list[tuple[datetime, str]]:
    """The entries an activity page lists, in order: when, and the summary they start with."""
    entries = []
    for row in soup(response).select("table.tracker-activity tbody tr"):
        when = datetime.fromisoformat(row.select_one("time")["datetime"]).replace(microsecond=0)  # as files keep it
        what = row.find_all("td")[2]
        what.select_one("span").extract()  # the kind, above the summary
        for changes in what.select("ul"):
            changes.extract()
        entries.append((when, text(what)))
    return entries


def file_entries(rows: list[list]) -> list[tuple[datetime, str]]:
    """The entries of an activity file, as page_entries gives them (XLSX times are UK times)."""
    return [(when if isinstance(when, datetime) and when.tzinfo else _as_instant(when), what)
            for when, what in zip(column(rows, "When (UK time)"), column(rows, "What"), strict=True)]


def _as_instant(when) -> datetime:
    from tracker.templating import LONDON

    return (datetime.fromisoformat(when) if isinstance(when, str) else when.replace(tzinfo=LONDON)).astimezone(UTC)


# A proposal's activity ---------------------------------------------------------------------------

@pytest.fixture
def input_given(client_as):
    """An expert reader's input, another expert's waiting and answered input, on an open proposal."""
    proposal = factories.make_proposal(stage=ProposalStage.CO_CREATION, input_closes_on=date(2099, 1, 1))
    reader = client_as(Role.EXPERT)
    other = factories.make_user(Role.EXPERT)
    give = partial(submit_contribution, proposal, kind=ContributionKind.COMMENT, body="Words",
                   sector=factories.make_sector("Clean tech"))
    give(reader.user, title="Mine, waiting")
    give(other, title="=Theirs, waiting")
    answered = give(other, title="Theirs, answered")
    respond(answered, proposal, outcome=ContributionStatus.NOTED, reason="", actor=factories.make_user(Role.STAFF))
    db.session.commit()
    return {"proposal": proposal, "reader": reader}


@pytest.mark.parametrize("file_format", FORMATS)
def test_an_experts_activity_export_hides_other_experts_unanswered_input(input_given, staff_client, file_format):
    proposal, reader = input_given["proposal"], input_given["reader"]
    address = f"/proposals/{proposal.id}/activity"

    expert_rows = read(reader, f"{address}.{file_format}", file_format)
    staff_rows = read(staff_client, f"{address}.{file_format}", file_format)

    assert file_entries(expert_rows) == page_entries(reader.get(address))
    assert file_entries(staff_rows) == page_entries(staff_client.get(address))
    expert_text, staff_text = str(expert_rows), str(staff_rows)
    assert "Mine, waiting" in expert_text and "Theirs, answered" in expert_text
    assert "Theirs, waiting" not in expert_text  # the hidden row
    assert "gave input: '=Theirs, waiting" not in staff_text  # mid-cell: no guard needed...
    assert "gave input: =Theirs, waiting" in staff_text  # ...and none added
    assert expert_rows[0] == ["When (UK time)", "Who", "Kind", "What", "Changes"]


def test_an_entrys_changes_are_in_words(staff_client):
    proposal = factories.make_proposal()
    record_activity(factories.make_user(Role.STAFF, name="Sam Staff"), "proposal.stage_changed", proposal,
                    "Moved to co-creation", {"stage": ["draft", "co_creation"], "comment": "Ready"},
                    proposal_id=proposal.id)
    db.session.commit()

    rows = read(staff_client, f"/proposals/{proposal.id}/activity.csv", "csv")

    assert rows[1][1:] == ["Sam Staff", "Stage changed", "Moved to co-creation",
                           "Stage: Draft → Co-creation; Comment: Ready"]


# The whole log -------------------------------------------------------------------------------------

@pytest.fixture
def log():
    """Three entries by two people on two proposals, one of them a formula."""
    ada, ben = factories.make_user(Role.STAFF, name="Ada"), factories.make_user(Role.STAFF, name="Ben")
    first, second = factories.make_proposal(title="First bid"), factories.make_proposal(title="-Second bid")
    for actor, proposal, summary in ((ada, first, "Ada changed First"), (ben, second, "Ben changed Second"),
                                     (ada, second, "Ada changed Second")):
        record_activity(actor, "proposal.updated", proposal, summary, {}, proposal_id=proposal.id)
    db.session.commit()
    return {"ada": ada, "ben": ben, "first": first, "second": second}


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("query", [
    "", "person={ada}", "proposal={second}", "person={ada}&proposal={second}", "kind=proposal.updated",
    "person=99999&kind=poem", "date_from-day=1&date_from-month=1&date_from-year=2020",
    "date_from-day=31&date_from-month=2&date_from-year=2020",  # not a date: narrows nothing
])
def test_the_log_export_has_the_entries_the_log_shows(admin_client, log, query, file_format):
    query = query.format(ada=log["ada"].id, second=log["second"].id)
    shown = page_entries(admin_client.get(f"/activity?{query}"))

    rows = read(admin_client, f"/activity.{file_format}?{query}", file_format)

    assert file_entries(rows) == shown and shown
    assert rows[0][-1] == "Proposal"


def test_the_log_names_each_entrys_proposal_guarded(admin_client, log):
    rows = read(admin_client, f"/activity.xlsx?person={log['ben'].id}", "xlsx")
    assert column(rows, "Who") == ["Ben"] and column(rows, "Proposal") == ["'-Second bid"]


# Assessments -------------------------------------------------------------------------------------

@pytest.fixture
def assessed():
    """In one programme: the West Midlands case (70.8%, 2 of 5 said fund), a bid below the
    threshold with its outcome, a draft with no assessment; and another programme's bid."""
    programme = factories.make_programme("West Midlands IA")
    passed = assessed_proposal(programme=programme, title="Health tech accelerator", funding_ask=14_500_000)
    for number in range(1, 6):
        add_review(passed, number, SEVENTY if number == 5 else SEVENTY_ONE, fund=number <= 2)
    below = assessed_proposal(programme=programme, title="Biochar")
    add_review(below, 1, [6] * 10, fund=False)
    db.session.add(Outcome(proposal_id=below.id, result=OutcomeResult.NOT_FUNDED, decided_on=date(2023, 3, 15)))
    factories.make_proposal(programme=programme, title="Not yet submitted")
    add_review(assessed_proposal(title="Another programme's"), 1, SEVENTY, fund=True)
    db.session.commit()
    return {"programme": programme, "passed": passed, "below": below}


def test_a_programmes_assessments_in_both_formats(board_client, assessed):
    address = f"/programmes/{assessed['programme'].id}/assessments"
    csv_rows, xlsx_rows = read(board_client, f"{address}.csv", "csv"), read(board_client, f"{address}.xlsx", "xlsx")

    header = ["Proposal id", "Proposal", "Stage", "Funding ask", "Assessors", "Assessors who said fund",
              "A majority said fund", "Average score (%)", "Threshold (%)", "Meets the threshold", "Outcome",
              "Decided on"]
    assert csv_rows[0] == xlsx_rows[0] == header
    below, passed = assessed["below"].id, assessed["passed"].id
    assert csv_rows[1:] == [
        [str(below), "Biochar", "Under assessment", "1000000", "1", "0", "No", "60.0", "70.00", "No",
         "Not funded", "2023-03-15"],
        [str(passed), "Health tech accelerator", "Under assessment", "14500000", "5", "2", "No", "70.8", "70.00",
         "Yes", "", ""],
    ]
    assert xlsx_rows[1:] == [
        [below, "Biochar", "Under assessment", 1_000_000, 1, 0, "No", 60, 70, "No", "Not funded",
         datetime(2023, 3, 15)],
        [passed, "Health tech accelerator", "Under assessment", 14_500_000, 5, 2, "No", 70.8, 70, "Yes",
         None, None],
    ]


def test_the_assessment_page_links_the_programmes_file_for_staff_and_board_only(staff_client, client_as, assessed):
    passed = assessed["passed"]
    links = soup(staff_client.get(f"/proposals/{passed.id}/assessment?assessor=2")).select("a[download]")
    assert [link["href"] for link in links] == [
        f"/programmes/{assessed['programme'].id}/assessments.csv",
        f"/programmes/{assessed['programme'].id}/assessments.xlsx",
    ]
    expert = client_as(Role.EXPERT)
    open_to_them = factories.make_proposal(programme=assessed["programme"], stage=ProposalStage.CO_CREATION)
    assert not soup(expert.get(f"/proposals/{open_to_them.id}/assessment")).select("a[download]")
    assert expert.get(f"/programmes/{assessed['programme'].id}/assessments.csv").status_code == 403
