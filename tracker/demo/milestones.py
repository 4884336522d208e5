"""Demo milestones: the programme's real dates from the 2022 call, and for each demo proposal a
chain of 6 to 9 steps relative to today, some done, some in progress, one or two overdue and one
blocked, so that every RAG status, a forecast that slips and the critical path all show."""

from datetime import date, timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.milestones.models import Milestone, MilestoneKind, MilestoneState
from tracker.milestones.services import create_milestone

K, S = MilestoneKind, MilestoneState

# The 2022 call as it really ran (DOMAIN.md): all done.
PROGRAMME_DATES = [
    ("Expressions of interest close", K.EOI_DEADLINE, date(2022, 7, 29)),
    ("Full proposals due with Innovate UK", K.FULL_PROPOSAL_DEADLINE, date(2022, 11, 30)),
    ("Innovate UK assessment closes", K.ASSESSMENT_CLOSES, date(2023, 1, 13)),
    ("Selection panel", K.PANEL_DATE, date(2023, 1, 24)),
    ("Projects announced", K.ANNOUNCEMENT, date(2023, 3, 15)),
]

# A proposal's steps: (title, kind, days from today it is due, length in days or None, the
# index of the step it depends on or None, state). States are varied per proposal below.
STEPS = [
    ("Partners confirmed", K.INTERNAL, -45, 20, None, S.DONE),
    ("First draft of every section", K.INTERNAL, -25, 18, 0, S.DONE),
    ("Co-creation workshop with the experts", K.INTERNAL, -4, 10, 1, S.IN_PROGRESS),
    ("Costs checked by finance", K.INTERNAL, 9, None, 1, S.NOT_STARTED),
    ("Innovation Board review", K.BOARD, 12, None, 2, S.NOT_STARTED),
    ("Letters of support collected", K.INTERNAL, 20, 25, 0, S.IN_PROGRESS),
    ("Submitted at the Innovate UK gateway", K.GATEWAY, 30, None, 4, S.NOT_STARTED),
    ("Match funding agreed", K.DELIVERY, 60, 40, 6, S.NOT_STARTED),
    ("Delivery starts", K.DELIVERY, 120, None, 7, S.NOT_STARTED),
]
OWNERS = ["staff@example.org", "sarah.ahmed@example.org", "james.patel@example.org",
          "expert@example.org", "mark.davies@example.org"]


def seed_milestones(programme, proposals, people: dict, count, today: date | None = None) -> None:
    """The programme's dates if it has no milestones; each proposal's steps if it has none."""
    today = today or date.today()
    admin = people["admin@example.org"]
    has = set(db.session.scalars(select(Milestone.proposal_id).where(Milestone.programme_id == programme.id).distinct()))
    if None not in has:
        for title, kind, due in PROGRAMME_DATES:
            create_milestone(programme=programme, proposal=None, title=title, kind=kind,
                             owner=people["staff@example.org"], starts_on=None, due_on=due,
                             state=S.DONE, notes="", depends_on=[], actor=admin, today=due)
            count("programme milestones")
    for position, proposal in enumerate(proposals):
        if proposal.id in has:
            continue
        _steps(proposal, position, people, admin, today)
        count("proposals with milestones")
    db.session.flush()


def _steps(proposal, position: int, people: dict, actor, today: date) -> None:
    """6 to 9 steps; the first proposal has one blocked, every other one an overdue step."""
    made: list[Milestone] = []
    how_many = 6 + position % 4
    for index, (title, kind, days, length, after, state) in enumerate(STEPS[:how_many]):
        due = today + timedelta(days=days + position)
        if index == 3 and position % 2 == 1:
            due = today - timedelta(days=2)  # overdue: finance has not started
        if index == 5 and position == 0:
            state = S.BLOCKED
        starts = due - timedelta(days=length) if length else None
        done_on = due - timedelta(days=2) if state is S.DONE else None
        made.append(create_milestone(
            programme=None, proposal=proposal, title=title, kind=kind,
            owner=people[OWNERS[(index + position) % len(OWNERS)]], starts_on=starts, due_on=due,
            state=state, notes="Waiting for the partners' legal teams." if state is S.BLOCKED else "",
            depends_on=[made[after]] if after is not None and after < len(made) else [],
            actor=actor, today=done_on,
        ))
    db.session.flush()


