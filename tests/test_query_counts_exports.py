"""Query-count guard for the exports: a file of 30 rows costs as many SQL statements as a file of
1, each row with its own people, organisations, programme or sector where the export names them.
The files are read back (CSV with csv, XLSX with openpyxl) to count the rows named in them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tests import factories
from tests.test_assessments import SEVENTY, add_review, assessed_proposal
from tests.test_exports_table import read_csv, read_xlsx
from tests.test_query_counts_activity import _changes
from tracker.activity.services import record_activity
from tracker.assessments.models import Outcome, OutcomeResult
from tracker.auth.models import Role
from tracker.contributions import services
from tracker.contributions.models import ContributionKind, ContributionStatus
from tracker.extensions import db
from tracker.proposals.models import ProposalStage

NAMES = [f"Listed {n:02}" for n in range(1, 31)]


@dataclass
class Export:
    """An export, who reads it, and how to add a row named so the file can be searched for it."""

    role: Role
    url: Callable[[dict], str]  # without the extension
    add_row: Callable[[dict, str], None]


def _open_proposal(context):
    if "proposal" not in context:
        context["proposal"] = factories.make_proposal(stage=ProposalStage.CO_CREATION,
                                                      input_closes_on=date.today() + timedelta(days=7))
    return context["proposal"]


def _programme(context):
    if "programme" not in context:
        context["programme"] = factories.make_programme()
    return context["programme"]


def _proposal_of_its_own(context, name):
    factories.make_proposal(title=name, stage=ProposalStage.CO_CREATION)


def _contribution(context, name):
    """From its own expert, organisation and sector (the reader's own, for an expert)."""
    proposal = _open_proposal(context)
    author = context["reader"] if context["reader"].is_expert else factories.make_user(
        Role.EXPERT, organisation=factories.make_organisation())
    contribution = services.submit_contribution(
        proposal, author, kind=ContributionKind.COMMENT, title=name, body="Input",
        sector=factories.make_sector(), section=None,
    )
    contribution.status = ContributionStatus.NOTED
    db.session.commit()


def _assessed_proposal(context, name):
    proposal = assessed_proposal(programme=_programme(context), title=name)
    add_review(proposal, 1, SEVENTY, fund=True)
    db.session.add(Outcome(proposal_id=proposal.id, result=OutcomeResult.FUNDED, decided_on=date(2023, 3, 15)))
    db.session.commit()


def _entry(context, name):
    """On the reader's proposal, by its own person, naming others in its changes."""
    proposal = _open_proposal(context)
    record_activity(factories.make_user(Role.STAFF), "proposal.updated", proposal, name, _changes(),
                    proposal_id=proposal.id)
    db.session.commit()


def _entry_on_a_proposal_of_its_own(context, name):
    proposal = factories.make_proposal()
    record_activity(factories.make_user(Role.STAFF), "proposal.updated", proposal, name, _changes(),
                    proposal_id=proposal.id)
    db.session.commit()


def _milestone(context, name):
    factories.make_milestone(factories.make_proposal(programme=_programme(context)), title=name)


def _own_milestone(context, name):
    factories.make_milestone(_open_proposal(context), title=name)


EXPORTS = {
    "proposals": Export(Role.STAFF, lambda c: "/proposals/export", _proposal_of_its_own),
    "proposals for experts": Export(Role.EXPERT, lambda c: "/proposals/export", _proposal_of_its_own),
    "contributions": Export(Role.STAFF, lambda c: f"/proposals/{_open_proposal(c).id}/contributions", _contribution),
    "an expert's contributions": Export(
        Role.EXPERT, lambda c: f"/proposals/{_open_proposal(c).id}/contributions", _contribution),
    "assessments": Export(Role.BOARD, lambda c: f"/programmes/{_programme(c).id}/assessments", _assessed_proposal),
    "a proposal's activity": Export(Role.STAFF, lambda c: f"/proposals/{_open_proposal(c).id}/activity", _entry),
    "a proposal's activity for an expert": Export(
        Role.EXPERT, lambda c: f"/proposals/{_open_proposal(c).id}/activity", _entry),
    "activity": Export(Role.ADMIN, lambda c: "/activity", _entry_on_a_proposal_of_its_own),
    "a proposal's milestones": Export(
        Role.STAFF, lambda c: f"/proposals/{_open_proposal(c).id}/milestones", _own_milestone),
    "a programme's milestones": Export(
        Role.BOARD, lambda c: f"/programmes/{_programme(c).id}/milestones", _milestone),
    "the co-creation report": Export(
        Role.STAFF, lambda c: f"/proposals/{_open_proposal(c).id}/co-creation-report", _contribution),
}


def _counting(client, url: str, count_queries) -> tuple[int, int]:
    """The statements a download costs, and how many of NAMES it holds."""
    with count_queries() as counter:
        response = client.get(url)
    rows = read_csv(response) if url.endswith(".csv") else read_xlsx(response)
    cells = str(rows[1:])
    return counter.count, sum(name in cells for name in NAMES)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_exports_do_not_query_per_row(client_as, count_queries, export, file_format):
    client = client_as(export.role)
    context = {"reader": client.user}
    export.add_row(context, NAMES[0])
    url = f"{export.url(context)}.{file_format}"
    one_row, listed = _counting(client, url, count_queries)
    assert listed == 1
    for name in NAMES[1:]:
        export.add_row(context, name)
    thirty_rows, listed = _counting(client, url, count_queries)
    assert listed == 30
    assert thirty_rows == one_row
