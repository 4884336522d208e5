"""Query-count guard for the assessment and submitted version pages: as many SQL statements
for five assessors and five clarifications as for one, and for twelve sections as for two."""

from datetime import date

import pytest
from sqlalchemy import delete

from tests import factories
from tests.pages import soup
from tests.test_assessments import SEVENTY, add_review, assessed_proposal, reload
from tracker.assessments.models import Clarification
from tracker.assessments.services import freeze_submitted_version
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.proposals.models import ProposalStage
from tracker.sections.models import Section, SectionState
from tracker.sections.queries import sections_of
from tracker.sections.services import save_section


def _get_counting(client, url, count_queries):
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count, soup(response)


def assessment_with(reviews: int, clarifications: int, stage: ProposalStage):
    """A proposal with `reviews` assessors' reviews and `clarifications` answered questions."""
    proposal = assessed_proposal(stage=stage)
    for number in range(1, reviews + 1):
        add_review(proposal, number, SEVENTY, fund=number % 2 == 1, feedback=f"Feedback {number}")
    db.session.add_all(
        Clarification(proposal_id=proposal.id, question=f"Question {n}?", asked_on=date(2023, 1, n),
                      answer=f"Answer {n}.", answered_on=date(2023, 1, n + 1))
        for n in range(1, clarifications + 1)
    )
    db.session.commit()
    return proposal


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD])
@pytest.mark.parametrize("stage", [ProposalStage.UNDER_ASSESSMENT,
                                   ProposalStage.CLARIFICATION_REQUESTED])
def test_the_assessment_page_does_not_query_per_assessor_or_clarification(
        client_as, count_queries, role, stage):
    client = client_as(role)
    one = assessment_with(reviews=1, clarifications=1, stage=stage)
    five = assessment_with(reviews=5, clarifications=5, stage=stage)

    one_count, one_page = _get_counting(client, f"/proposals/{one.id}/assessment", count_queries)
    five_count, five_page = _get_counting(client, f"/proposals/{five.id}/assessment", count_queries)

    assert len(one_page.select("#scores thead th")) == 2
    assert len(five_page.select("#scores thead th")) == 6
    assert len(five_page.select("#clarifications + table tbody tr")) == 5
    assert five_count == one_count


def submitted_with(section_count: int):
    """A submitted proposal with `section_count` sections, each with two revisions."""
    proposal = reload(factories.make_proposal(stage=ProposalStage.BOARD_REVIEW))
    keep = [section.key for section in sections_of(proposal.id)][:section_count]
    db.session.execute(
        delete(Section).where(Section.proposal_id == proposal.id, Section.key.not_in(keep))
    )
    author = factories.make_user(Role.STAFF)
    for section in sections_of(proposal.id):
        for draft in ("First draft.", "Final text."):
            save_section(section, text=f"{section.title}: {draft}", note="", assignee_id=None,
                         state=SectionState.COMPLETE, started_from=section.version, actor=author,
                         proposal=proposal)
            db.session.flush()
    freeze_submitted_version(proposal, author)
    proposal.stage = ProposalStage.SUBMITTED
    db.session.commit()
    return proposal


def test_the_submitted_page_does_not_query_per_section(staff_client, count_queries):
    two = submitted_with(2)
    twelve = submitted_with(12)

    two_count, two_page = _get_counting(staff_client, f"/proposals/{two.id}/submitted", count_queries)
    twelve_count, twelve_page = _get_counting(
        staff_client, f"/proposals/{twelve.id}/submitted", count_queries
    )

    assert len(two_page.select("section.tracker-submitted-section")) == 2
    assert len(twelve_page.select("section.tracker-submitted-section")) == 12
    assert "Final text." in twelve_page.select("section.tracker-submitted-section")[-1].get_text()
    assert twelve_count == two_count
