"""The submitted version: submission pins the exact revision of every section, and the page
shows those revisions, printable, whatever happens to the proposal afterwards."""

from pathlib import Path

import pytest
from sqlalchemy import select

from config import BASE_DIR
from tests import factories
from tests.pages import soup, summary_list, text
from tests.test_assessments import reload
from tracker.assessments.models import SubmittedSection, SubmittedVersion
from tracker.auth.models import Role
from tracker.board.models import BoardDecisionKind
from tracker.board.services import open_round, record_decision
from tracker.extensions import db
from tracker.proposals.models import ProposalStage
from tracker.proposals.stages import move_stage
from tracker.sections.models import Section, SectionRevision, SectionState
from tracker.sections.queries import sections_of
from tracker.sections.services import save_section
from tracker.templating import date_time

# Each section's text at submission; "need" is saved twice, "co_creation" never.
SUBMITTED_TEXT = {
    "summary": "A regional **health tech** accelerator.",
    "need": "Health tech firms in the region struggle to reach *clinical trials*.",
    "risks": "- Recruitment\n- Supply chains",
}


def write_sections(proposal, author, texts: dict[str, str] = SUBMITTED_TEXT) -> None:
    """Give every section but Co-creation some text (`texts` by key) and mark them all complete."""
    for section in sections_of(proposal.id):
        if section.key == "need":
            save_section(section, text="An early draft of the need.", note="", assignee_id=None,
                         state=SectionState.IN_PROGRESS, started_from=section.version,
                         actor=author, proposal=proposal)
            db.session.flush()
        text_ = "" if section.key == "co_creation" else texts.get(
            section.key, f"What we say about {section.title.lower()}."
        )
        save_section(section, text=text_, note="", assignee_id=None, state=SectionState.COMPLETE,
                     started_from=section.version, actor=author, proposal=proposal)
    db.session.commit()


def endorse(proposal, quorum: int) -> None:
    """Open a board round and have `quorum` board members endorse the proposal."""
    open_round(proposal)
    for _ in range(quorum):
        record_decision(proposal, factories.make_user(Role.BOARD), BoardDecisionKind.ENDORSE,
                        "Ready to go.")
    db.session.commit()


@pytest.fixture
def submitted(staff_client):
    """A proposal with complete sections, endorsed by the board, submitted by staff over HTTP."""
    programme = factories.make_programme(board_quorum=2)
    proposal = reload(factories.make_proposal(programme=programme, stage=ProposalStage.BOARD_REVIEW))
    write_sections(proposal, staff_client.user)
    endorse(proposal, quorum=2)
    response = staff_client.post(f"/proposals/{proposal.id}/stage",
                                 data={"target": "submitted", "comment": "Off it goes"})
    assert response.status_code == 302
    assert reload(proposal).stage is ProposalStage.SUBMITTED
    return proposal


def submitted_sections(response) -> list[dict]:
    """Each section of the submitted version as the page shows it."""
    return [
        {
            "title": text(section.h2),
            "revision": text(section.select_one(".tracker-secondary-text"))
            if section.select_one(".tracker-secondary-text") else None,
            "text": text(section.select_one(".tracker-prose") or section.select_one("p")),
            "html": str(section.select_one(".tracker-prose") or ""),
        }
        for section in soup(response).select("section.tracker-submitted-section")
    ]


def pinned_revisions(proposal) -> dict[str, int | None]:
    """{section key: revision number} as pinned at submission."""
    rows = db.session.execute(
        select(Section.key, SectionRevision.number)
        .join(SubmittedSection, SubmittedSection.section_id == Section.id)
        .join(SubmittedVersion, SubmittedVersion.id == SubmittedSection.submitted_version_id)
        .join(SectionRevision, SectionRevision.id == SubmittedSection.revision_id, isouter=True)
        .where(SubmittedVersion.proposal_id == proposal.id)
    )
    return dict(rows.all())


def test_submission_pins_the_latest_revision_of_every_section(submitted):
    pinned = pinned_revisions(submitted)

    assert len(pinned) == 12
    assert pinned["need"] == 2
    assert pinned["summary"] == 1
    assert pinned["co_creation"] is None  # never written


def test_the_page_shows_each_section_as_submitted(staff_client, submitted):
    response = staff_client.get(f"/proposals/{submitted.id}/submitted")

    assert response.status_code == 200
    sections = submitted_sections(response)
    assert [section["title"] for section in sections] == [
        section.title for section in sections_of(submitted.id)
    ]
    by_title = {section["title"]: section for section in sections}
    need = by_title["Need or challenge"]
    assert need["text"] == "Health tech firms in the region struggle to reach clinical trials ."
    assert "<em>clinical trials</em>" in need["html"]
    assert need["revision"].startswith("Revision 2, saved ")
    assert "<li>Recruitment</li>" in by_title["Risks"]["html"]
    assert by_title["Co-creation"]["text"] == "No text was submitted for this section."
    assert by_title["Co-creation"]["revision"] is None


def test_the_page_says_when_and_by_whom(staff_client, submitted):
    version = db.session.scalar(select(SubmittedVersion))

    details = summary_list(staff_client.get(f"/proposals/{submitted.id}/submitted"))

    assert details["Submitted by"] == staff_client.user.name
    assert details["Submitted"] == date_time(version.submitted_at)
    assert details["Funding ask"] == "£1,000,000"


def test_the_contents_link_to_each_section(staff_client, submitted):
    page = soup(staff_client.get(f"/proposals/{submitted.id}/submitted"))

    links = page.select("nav[aria-labelledby=contents-heading] a")
    assert len(links) == 12
    for link in links:
        assert text(page.select_one(link["href"])) == text(link)


def test_the_page_stays_the_same_whatever_happens_afterwards(staff_client, submitted):
    url = f"/proposals/{submitted.id}/submitted"
    before = submitted_sections(staff_client.get(url))

    # Later: the proposal moves on, and a section's text is changed behind the app's back.
    move_stage(reload(submitted), ProposalStage.UNDER_ASSESSMENT, factories.make_user(Role.STAFF), "")
    need = db.session.scalar(select(Section).where(Section.proposal_id == submitted.id,
                                                   Section.key == "need"))
    need.text = "Rewritten after submission."
    need.revision_number = 3
    db.session.add(SectionRevision(section_id=need.id, number=3, text=need.text, word_count=3))
    db.session.commit()

    after = submitted_sections(staff_client.get(url))

    assert after == before
    assert "Rewritten after submission." not in str(after)


def test_submitted_sections_cannot_be_saved_any_more(submitted):
    from tracker.sections.services import SectionFrozen

    need = db.session.scalar(select(Section).where(Section.proposal_id == submitted.id,
                                                   Section.key == "need"))
    with pytest.raises(SectionFrozen):
        save_section(need, text="Too late.", note="", assignee_id=None,
                     state=SectionState.COMPLETE, started_from=need.version,
                     actor=factories.make_user(Role.STAFF), proposal=reload(submitted))


def test_submitted_markdown_is_sanitised(staff_client):
    programme = factories.make_programme(board_quorum=1)
    proposal = reload(factories.make_proposal(programme=programme, stage=ProposalStage.BOARD_REVIEW))
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))'
    write_sections(proposal, staff_client.user, {**SUBMITTED_TEXT, "risks": hostile})
    endorse(proposal, quorum=1)
    move_stage(reload(proposal), ProposalStage.SUBMITTED, staff_client.user, "")
    db.session.commit()

    page = soup(staff_client.get(f"/proposals/{proposal.id}/submitted"))

    prose = page.select(".tracker-submitted-section .tracker-prose")
    assert "alert(1)" in " ".join(text(block) for block in prose)  # shown as text, inert
    assert all(block.select("script, img") == [] for block in prose)
    assert not any(link["href"].startswith("javascript:") for block in prose for link in block.select("a[href]"))


def test_the_page_tells_how_to_print_without_javascript_or_inline_handlers(staff_client, submitted):
    response = staff_client.get(f"/proposals/{submitted.id}/submitted")
    page = soup(response)

    help_text = text(page.select_one(".tracker-print-help"))
    assert help_text.startswith("Print this page")
    assert "Print command" in help_text
    assert "tracker-submitted-page" in page.body["class"]
    assert not [tag for tag in page.find_all(True) if any(name.startswith("on") for name in tag.attrs)]
    assert "javascript:" not in response.get_data(as_text=True)


def test_the_print_stylesheet_leaves_out_navigation_and_page_furniture():
    css = Path(BASE_DIR, "static", "dist", "main.css").read_text()

    print_rules = " ".join(
        block.split("{", 1)[1] for block in css.split("@media print")[1:]
    )
    assert ".govuk-service-navigation" in print_rules
    assert ".tracker-submitted-page .govuk-back-link" in print_rules
    assert ".tracker-submitted-page .tracker-print-help" in print_rules


def test_before_submission_the_page_says_there_is_no_submitted_version(board_client):
    proposal = factories.make_proposal(stage=ProposalStage.BOARD_REVIEW)

    response = board_client.get(f"/proposals/{proposal.id}/submitted")

    assert response.status_code == 200
    assert "has not been submitted to Innovate UK" in text(soup(response).select_one("#not-submitted"))
    assert soup(response).select("section.tracker-submitted-section") == []


def test_the_board_reads_the_submitted_version(board_client, submitted):
    response = board_client.get(f"/proposals/{submitted.id}/submitted")

    assert response.status_code == 200
    assert len(submitted_sections(response)) == 12


def test_experts_cannot_read_a_submitted_version(expert_client, submitted):
    assert expert_client.get(f"/proposals/{submitted.id}/submitted").status_code == 403


def test_the_proposal_links_to_its_submitted_version(staff_client, submitted):
    page = soup(staff_client.get(f"/proposals/{submitted.id}"))

    assert page.select_one(f'a[href="/proposals/{submitted.id}/submitted"]') is not None
