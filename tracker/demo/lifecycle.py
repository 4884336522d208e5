"""Walk demo proposals to their stages through the real services, so every record is consistent."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from tracker.assessments.services import (
    answer_clarification,
    ask_clarification,
    assessed_sections,
    record_outcome,
    record_review,
)
from tracker.assessments.models import OutcomeResult
from tracker.board.models import BoardDecisionKind
from tracker.board.services import record_decision
from tracker.demo import data
from tracker.demo.inputs import give_demo_input
from tracker.extensions import db
from tracker.priorities.services import add_priority
from tracker.proposals.models import ProposalStage
from tracker.proposals.stages import move_stage
from tracker.sections.models import SectionState
from tracker.sections.queries import sections_of
from tracker.sections.services import save_section
from tracker.sectors.models import Sector

S = ProposalStage
ORDER = [S.DRAFT, S.CO_CREATION, S.BOARD_REVIEW, S.SUBMITTED, S.UNDER_ASSESSMENT]


def walk(proposal, spec: dict, people: dict, position: int = 0) -> None:
    """Take a freshly made demo proposal as far as `spec["stage"]`; `position` varies its input."""
    target = ProposalStage(spec.get("stage", "draft"))
    owner = people[spec["owner"]]
    _add_priorities(proposal, spec.get("priorities", []), owner)
    proposal.input_closes_on = date.today() + timedelta(days=21)
    if target is S.DRAFT:
        _write_sections(proposal, spec, owner, complete=False)
        return
    move_stage(proposal, S.CO_CREATION, owner, "Open for the Virtual Innovators Team")
    if target is S.CO_CREATION:
        _write_sections(proposal, spec, owner, complete=False)
        give_demo_input(proposal, position, people, owner, still_open=True)
        return
    _write_sections(proposal, spec, owner, complete=True)
    give_demo_input(proposal, position, people, owner, still_open=False)
    move_stage(proposal, S.BOARD_REVIEW, owner, "Ready for the Innovation Board")
    for email, decision, comment in spec.get("board", _endorsements()):
        record_decision(proposal, people[email], BoardDecisionKind(decision), comment)
    if target is S.BOARD_REVIEW:
        return
    move_stage(proposal, S.SUBMITTED, owner, "Endorsed by the board; submitted to Innovate UK")
    move_stage(proposal, S.UNDER_ASSESSMENT, owner, "Innovate UK has started its assessment")
    if "clarification" in spec:
        question, answer = spec["clarification"]
        clarification = ask_clarification(proposal, question, date(2023, 1, 9), owner)
        db.session.flush()
        answer_clarification(proposal, clarification, answer, date(2023, 1, 13), owner)
    for number, (total, fund) in enumerate(spec.get("assessors", []), start=1):
        record_review(proposal, number, _scores(proposal, total), fund,
                      "Strong regional case." if fund else "Value for money is not clear.", owner)
    if target is S.UNDER_ASSESSMENT:
        return
    result = OutcomeResult.FUNDED if target is S.FUNDED else OutcomeResult.NOT_FUNDED
    conditions = "Quarterly reporting to Innovate UK." if target is S.FUNDED else ""
    record_outcome(proposal, result, date(2023, 3, 15), conditions, owner)


def _endorsements():
    return [(email, "endorse", "Endorsed.") for email in data.BOARD_ENDORSERS]


def _add_priorities(proposal, priorities, actor) -> None:
    names = [name for name, _ in priorities]
    sectors = {s.name: s for s in db.session.scalars(select(Sector).where(Sector.name.in_(names)))}
    for name, share in priorities:
        add_priority(proposal, sectors[name], Decimal(share),
                     f"{proposal.title} serves {name.lower()}.", actor)
        db.session.flush()


def _write_sections(proposal, spec: dict, author, complete: bool) -> None:
    """Write every section, some in two drafts so that history and comparison have something."""
    values = {
        "title": proposal.title, "lead": spec["lead"], "partners": len(spec["partners"]),
        "summary": spec["summary"], "ask": f"£{spec['funding_ask']:,}",
    }
    for index, section in enumerate(sections_of(proposal.id)):
        final = data.SECTION_TEXT[section.key].format(**values)
        if index % 3 == 0:
            first = final.split(". ")[0] + "."
            save_section(section, text=first, note="First draft", assignee_id=author.id,
                         state=SectionState.IN_PROGRESS, started_from=section.version,
                         actor=author, proposal=proposal)
            db.session.flush()
        state = SectionState.COMPLETE if complete else SectionState.IN_PROGRESS
        save_section(section, text=final, note="Ready for review" if complete else "",
                     assignee_id=author.id, state=state, started_from=section.version,
                     actor=author, proposal=proposal)
        db.session.flush()


def _scores(proposal, total: int) -> dict[str, int]:
    """Spread an assessor's total over the assessed sections (whole scores, 0-10)."""
    keys = [key for key, _ in assessed_sections(proposal.id)]
    base, extra = divmod(total, len(keys))
    return {key: base + (1 if index < extra else 0) for index, key in enumerate(keys)}
