"""Milestone models on the test database: the constraints refuse bad rows, dependencies
round-trip, deletes cascade as designed, and who may see and edit a milestone."""

from datetime import date

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from tests import factories
from tracker.auth.models import Role, User, hash_token
from tracker.extensions import db
from tracker.milestones.models import (
    CalendarFeed,
    Milestone,
    MilestoneKind,
    MilestoneState,
    ReminderKind,
    ReminderSent,
    milestone_dependency,
)
from tracker.programmes.models import Programme
from tracker.proposals.models import Proposal, ProposalStage

DUE = date(2026, 3, 16)


def make_milestone(proposal=None, programme=None, owner=None, **values) -> Milestone:
    """A proposal milestone (or a programme's own, when only `programme` is given), committed."""
    if proposal is None and programme is None:
        proposal = factories.make_proposal()
    defaults = {
        "programme_id": proposal.programme_id if proposal else programme.id,
        "proposal_id": proposal.id if proposal else None,
        "title": "Board sign-off",
        "kind": MilestoneKind.BOARD if proposal else MilestoneKind.PANEL_DATE,
        "owner_id": (owner or factories.make_user(Role.STAFF)).id,
        "due_on": DUE,
    }
    milestone = Milestone(**{**defaults, **values})
    db.session.add(milestone)
    db.session.commit()
    return milestone


def refused(make) -> None:
    """`make()` adds a row the database must refuse."""
    with pytest.raises(IntegrityError):
        make()
    db.session.rollback()


def test_a_milestone_gets_its_defaults():
    milestone = make_milestone()
    db.session.expire_all()
    milestone = db.session.get(Milestone, milestone.id)
    assert (milestone.state, milestone.notes, milestone.version) == (MilestoneState.NOT_STARTED, "", 1)
    assert milestone.created_at.tzinfo is not None and milestone.done_on is None


def test_a_start_after_the_due_date_is_refused():
    proposal = factories.make_proposal()
    refused(lambda: make_milestone(proposal, starts_on=date(2026, 3, 17)))
    make_milestone(proposal, starts_on=DUE)  # the same day is allowed
    make_milestone(proposal, starts_on=None)


@pytest.mark.parametrize(("state", "done_on", "accepted"), [
    (MilestoneState.DONE, None, False),
    (MilestoneState.DONE, date(2026, 3, 10), True),
    (MilestoneState.IN_PROGRESS, date(2026, 3, 10), False),
    (MilestoneState.BLOCKED, None, True),
])
def test_done_exactly_when_it_has_a_date(state, done_on, accepted):
    proposal = factories.make_proposal()
    if accepted:
        assert make_milestone(proposal, state=state, done_on=done_on).id
    else:
        refused(lambda: make_milestone(proposal, state=state, done_on=done_on))


def test_programme_kinds_belong_to_programmes_and_proposal_kinds_to_proposals():
    proposal = factories.make_proposal()
    programme = factories.make_programme()
    refused(lambda: make_milestone(proposal, kind=MilestoneKind.PANEL_DATE))
    refused(lambda: make_milestone(programme=programme, kind=MilestoneKind.GATEWAY))
    assert make_milestone(programme=programme, kind=MilestoneKind.EOI_DEADLINE).is_programme_milestone
    assert not make_milestone(proposal, kind=MilestoneKind.GATEWAY).is_programme_milestone


def test_the_kinds_fall_into_two_groups():
    assert [kind.label for kind in MilestoneKind.programme_kinds()] == [
        "Expression of interest deadline", "Full proposal deadline", "Assessment closes",
        "Selection panel", "Announcement",
    ]
    assert [kind.label for kind in MilestoneKind.proposal_kinds()] == [
        "Internal", "Board", "Innovate UK gateway", "Delivery",
    ]
    assert MilestoneKind.ANNOUNCEMENT.for_programme and not MilestoneKind.DELIVERY.for_programme


def test_a_milestone_with_dependencies_round_trips():
    proposal = factories.make_proposal()
    deadline = make_milestone(programme=db.session.get(Programme, proposal.programme_id),
                              kind=MilestoneKind.FULL_PROPOSAL_DEADLINE, due_on=date(2026, 4, 1))
    draft = make_milestone(proposal, title="Draft", kind=MilestoneKind.INTERNAL, due_on=date(2026, 3, 1))
    review = make_milestone(proposal, title="Review", kind=MilestoneKind.INTERNAL, due_on=date(2026, 3, 8))
    submit = make_milestone(proposal, title="Submit", kind=MilestoneKind.GATEWAY, due_on=date(2026, 3, 30))
    # A saved milestone's links are replaced once loaded (lazy="raise" refuses a hidden query).
    with_links = select(Milestone).options(selectinload(Milestone.depends_on))
    db.session.scalars(with_links.where(Milestone.id.in_([submit.id, review.id]))).all()
    submit.depends_on = [review, draft, deadline]
    review.depends_on = [draft]
    db.session.commit()
    submit_id, draft_id = submit.id, draft.id
    db.session.expunge_all()

    loaded = db.session.scalar(
        select(Milestone).where(Milestone.id == submit_id)
        .options(selectinload(Milestone.depends_on), selectinload(Milestone.dependents))
    )
    assert [m.title for m in loaded.depends_on] == ["Draft", "Review", "Board sign-off"]  # by due date
    assert loaded.dependents == []
    first = db.session.scalar(
        select(Milestone).where(Milestone.id == draft_id).options(selectinload(Milestone.dependents))
    )
    assert [m.title for m in first.dependents] == ["Review", "Submit"]


def test_a_milestone_cannot_depend_on_itself_twice_or_in_the_database():
    milestone = make_milestone()
    refused(lambda: _add_dependency(milestone.id, milestone.id))
    other = make_milestone(db.session.get(Proposal,
                                          milestone.proposal_id))
    _add_dependency(milestone.id, other.id)
    refused(lambda: _add_dependency(milestone.id, other.id))


def _add_dependency(milestone_id, depends_on_id):
    db.session.execute(milestone_dependency.insert().values(
        milestone_id=milestone_id, depends_on_id=depends_on_id))
    db.session.commit()


def test_which_milestones_one_may_depend_on():
    programme = factories.make_programme()
    proposal = factories.make_proposal(programme=programme)
    other_proposal = factories.make_proposal(programme=programme)
    mine = make_milestone(proposal)
    sibling = make_milestone(proposal)
    deadline = make_milestone(programme=programme)
    elsewhere = make_milestone(other_proposal)
    another_programme = make_milestone(programme=factories.make_programme())
    assert mine.can_depend_on(sibling) and mine.can_depend_on(deadline)
    assert not mine.can_depend_on(mine)
    assert not mine.can_depend_on(elsewhere)
    assert not mine.can_depend_on(another_programme)
    assert not deadline.can_depend_on(mine)
    assert deadline.can_depend_on(make_milestone(programme=programme))


def test_deleting_a_milestone_removes_its_links_and_reminders():
    milestone = make_milestone()
    proposal_id = milestone.proposal_id
    before = make_milestone(db.session.get(Proposal, proposal_id))
    _add_dependency(milestone.id, before.id)
    db.session.add(ReminderSent(milestone_id=before.id, kind=ReminderKind.WEEK_BEFORE, due_on=DUE))
    db.session.commit()
    db.session.delete(db.session.get(Milestone, before.id))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(milestone_dependency)) == 0
    assert db.session.scalar(select(func.count(ReminderSent.id))) == 0


def test_deleting_a_proposal_deletes_its_milestones_but_an_owner_cannot_be_deleted():
    milestone = make_milestone()
    owner = db.session.get(User, milestone.owner_id)
    refused(lambda: (db.session.delete(owner), db.session.commit()))
    proposal = db.session.get(Proposal, milestone.proposal_id)
    db.session.delete(proposal)
    db.session.commit()
    assert db.session.scalar(select(func.count(Milestone.id))) == 0


def test_each_reminder_goes_once_per_due_date():
    milestone = make_milestone()

    def remind(kind, due_on):
        db.session.add(ReminderSent(milestone_id=milestone.id, kind=kind, due_on=due_on))
        db.session.commit()

    remind(ReminderKind.WEEK_BEFORE, DUE)
    refused(lambda: remind(ReminderKind.WEEK_BEFORE, DUE))
    remind(ReminderKind.DAY_BEFORE, DUE)
    remind(ReminderKind.WEEK_BEFORE, date(2026, 3, 23))  # moved: a fresh reminder
    assert [kind.days_before for kind in ReminderKind] == [7, 1, -1]
    assert [kind.label for kind in ReminderKind] == ["7 days before", "1 day before", "First day overdue"]


def test_a_calendar_feed_keeps_only_the_hash_of_its_token():
    user = factories.make_user(Role.EXPERT)
    feed, token = CalendarFeed.with_new_token(user.id)
    db.session.add(feed)
    db.session.commit()
    assert feed.token_hash == hash_token(token) == CalendarFeed.hash_of(token)
    assert token not in feed.token_hash and len(token) >= 40
    assert feed.proposal_id is None
    copy = CalendarFeed(user_id=user.id, token_hash=feed.token_hash)
    refused(lambda: (db.session.add(copy), db.session.commit()))
    again, other_token = CalendarFeed.with_new_token(user.id)
    assert other_token != token and again.token_hash != feed.token_hash


def test_who_may_see_and_edit_a_milestone():
    programme = factories.make_programme()
    draft = factories.make_proposal(programme=programme, stage=ProposalStage.DRAFT)
    open_for_input = factories.make_proposal(programme=programme, stage=ProposalStage.CO_CREATION)
    expert = factories.make_user(Role.EXPERT)
    on_draft = make_milestone(draft)
    owned_on_draft = make_milestone(draft, owner=expert)
    on_open = make_milestone(open_for_input)
    deadline = make_milestone(programme=programme)
    people = {role: factories.make_user(role) for role in (Role.ADMIN, Role.STAFF, Role.BOARD)}
    visitor = AnonymousUserMixin()

    for milestone in (on_draft, owned_on_draft, on_open, deadline):
        assert people[Role.ADMIN].is_staff and milestone.can_edit(people[Role.ADMIN])
        assert milestone.can_edit(people[Role.STAFF]) and milestone.can_view(people[Role.STAFF])
        assert milestone.can_view(people[Role.BOARD]) and not milestone.can_edit(people[Role.BOARD])
        assert not milestone.can_edit(expert)
        assert not milestone.can_view(visitor) and not milestone.can_edit(visitor)
    assert not on_draft.can_view(expert)
    assert owned_on_draft.can_view(expert)
    assert on_open.can_view(expert)
    assert deadline.can_view(expert)
