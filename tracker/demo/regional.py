"""Demo portfolio and regional prioritisation: the programme's target shares and weighted
criteria, scores from staff and board members, and one proposal that depends on a bid that fell
short of Innovate UK's threshold. Added through the real services, once."""

from decimal import Decimal

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.portfolio.models import ProgrammeTarget
from tracker.portfolio.services import set_targets
from tracker.prioritisation.models import Criterion, CriterionScore, SCORABLE_STAGES, proposal_dependency
from tracker.prioritisation.services import (
    DEMO_CRITERIA,
    add_dependency,
    criteria_of,
    record_scores,
    set_criteria,
)
from tracker.proposals.models import Proposal
from tracker.sectors.models import Sector

TARGETS = {
    "Health tech and life sciences": 30,
    "Clean tech": 30,
    "Medtech": 15,
    "Precision engineering and modern manufacturing": 10,
    "Sustainability": 10,
    "Digital": 5,
}
SCORERS = ["staff@example.org", "sarah.ahmed@example.org", "board@example.org",
           "gurinder.singh@example.org", "claire.robinson@example.org"]
# Each proposal's typical score per criterion, in DEMO_CRITERIA's order; scorers vary by a point.
TYPICAL = {
    "West Midlands Health Tech Innovation Accelerator": (9, 8, 9, 8, 7),
    "Biochar Clean Tech Accelerator": (7, 6, 8, 6, 7),
    "Precision Diagnostics and Digital Health Data Hub": (7, 7, 8, 5, 5),
    "Net Zero Advanced Manufacturing Testbed": (6, 5, 6, 7, 5),
    "MedTech Device Scale-up Programme": (7, 6, 8, 6, 6),
    "Hydrogen for Heavy Industry Demonstrator": (6, 6, 7, 5, 4),
}
NOTES = {0: "Strong regional supply chain.", 3: "Match funding letters seen."}
# (the proposal, the one it depends on): the testbed's assessors scored it below 70%.
DEPENDENCIES = [("Hydrogen for Heavy Industry Demonstrator", "Net Zero Advanced Manufacturing Testbed")]


def seed_regional(programme, people: dict, count) -> None:
    """Targets and criteria if the programme has none; scores for proposals nobody has scored;
    the demo dependencies that are missing. `count(kind)` tallies what was added."""
    admin = people["admin@example.org"]
    if not db.session.scalar(select(func.count(ProgrammeTarget.id)).where(ProgrammeTarget.programme_id == programme.id)):
        sectors = dict(db.session.execute(select(Sector.name, Sector.id).where(Sector.name.in_(TARGETS))).all())
        set_targets(programme, {sectors[name]: Decimal(share) for name, share in TARGETS.items()},
                    programme.version, admin)
        db.session.flush()
        for _ in TARGETS:
            count("portfolio targets")
    if not db.session.scalar(select(func.count(Criterion.id)).where(Criterion.programme_id == programme.id)):
        set_criteria(programme, list(DEMO_CRITERIA), admin)
        db.session.flush()
        for _ in DEMO_CRITERIA:
            count("regional criteria")
    criteria = criteria_of(programme.id)
    proposals = {p.title: p for p in db.session.scalars(select(Proposal).where(Proposal.programme_id == programme.id))}
    scored = set(db.session.scalars(select(CriterionScore.proposal_id).distinct()))
    for title, typical in TYPICAL.items():
        proposal = proposals.get(title)
        if proposal is None or proposal.id in scored or proposal.stage not in SCORABLE_STAGES:
            continue
        for scorer_index, email in enumerate(SCORERS):
            scores = {
                criterion.id: max(0, min(10, typical[index] + (scorer_index + index) % 3 - 1))
                for index, criterion in enumerate(criteria)
            }
            notes = {criteria[index].id: note for index, note in NOTES.items() if scorer_index == 0}
            record_scores(proposal, scores, notes, people[email])
        db.session.flush()
        count("proposals scored by five people")
    existing = set(db.session.execute(select(proposal_dependency.c.proposal_id, proposal_dependency.c.depends_on_id)).all())
    for title, on in DEPENDENCIES:
        if title in proposals and on in proposals and (proposals[title].id, proposals[on].id) not in existing:
            add_dependency(proposals[title], proposals[on], admin)
            db.session.flush()

