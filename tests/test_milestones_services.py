"""The milestone services: every rule and refusal (nothing half-saved), done dates, optimistic
locking, dependency links kept and removed, and the audit entry of each change in words."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities
from tracker.activity.changes import describe_changes
from tracker.activity.models import Activity
from tracker.auth.models import Role, User
from tracker.concurrency import EditConflict
from tracker.extensions import db
from tracker.milestones.models import Milestone, MilestoneKind, MilestoneState, milestone_dependency
from tracker.milestones.services import (
    MilestoneRefused,
    create_milestone,
    delete_milestone,
    update_milestone,
)

TODAY = date(2026, 3, 2)
DUE = date(2026, 3, 20)


@pytest.fixture
def staff():
    return factories.make_user(Role.STAFF, name="Sam Staff")


@pytest.fixture
def programme():
    return factories.make_programme()


@pytest.fixture
def proposal(programme):
    return factories.make_proposal(programme=programme, title="Hydrogen valley")


def create(proposal=None, programme=None, actor=None, **values):
    """create_milestone with valid values unless given."""
    defaults = {
        "title": "Board sign-off", "kind": MilestoneKind.BOARD if proposal is not None else MilestoneKind.PANEL_DATE,
        "owner": actor, "starts_on": None, "due_on": DUE, "state": MilestoneState.NOT_STARTED,
        "notes": "", "depends_on": [],
    }
    return create_milestone(programme=programme, proposal=proposal, actor=actor, today=TODAY,
                            **{**defaults, **values})


def update(milestone, actor, **values):
    """update_milestone with the milestone's own values unless given, from its current version."""
    dependency_ids = db.session.scalars(
        select(milestone_dependency.c.depends_on_id).where(milestone_dependency.c.milestone_id == milestone.id)
    ).all()
    defaults = {
        "title": milestone.title, "kind": milestone.kind, "owner": db.session.get(
            User, milestone.owner_id),
        "starts_on": milestone.starts_on, "due_on": milestone.due_on, "state": milestone.state,
        "notes": milestone.notes, "depends_on": [db.session.get(Milestone, key) for key in dependency_ids],
        "started_from": milestone.version,
    }
    return update_milestone(milestone, actor=actor, today=TODAY, **{**defaults, **values})


def dependency_ids(milestone) -> set[int]:
    return set(db.session.scalars(
        select(milestone_dependency.c.depends_on_id).where(milestone_dependency.c.milestone_id == milestone.id)
    ))


def milestone_count() -> int:
    return db.session.scalar(select(func.count(Milestone.id)))


def refusal(make) -> MilestoneRefused:
    """What `make()` was refused with; nothing was added to the session."""
    with pytest.raises(MilestoneRefused) as refused:
        make()
    assert not db.session.new
    assert db.session.scalar(select(func.count(Activity.id))) == 0
    return refused.value


# -- Creating ------------------------------------------------------------------------------------

def test_a_proposal_milestone_takes_its_programme_from_the_proposal(programme, proposal, staff):
    milestone = create(proposal, actor=staff, starts_on=date(2026, 3, 9), notes="Papers a week before.")
    db.session.commit()
    assert (milestone.programme_id, milestone.proposal_id) == (programme.id, proposal.id)
    assert (milestone.title, milestone.kind, milestone.owner_id) == ("Board sign-off", MilestoneKind.BOARD, staff.id)
    assert (milestone.starts_on, milestone.due_on, milestone.done_on) == (date(2026, 3, 9), DUE, None)
    [entry] = activities("milestone.created")
    assert (entry.actor_id, entry.proposal_id, entry.subject_id) == (staff.id, proposal.id, milestone.id)
    assert entry.summary == "Added milestone Board sign-off, due 20 March 2026"
    described = {change.label: change.after for change in describe_changes([entry])[entry.id]}
    assert described == {
        "Title": "Board sign-off", "Kind": "Board", "Owner": "Sam Staff", "Start date": "9 March 2026",
        "Due date": "20 March 2026", "State": "Not started", "Notes": "Papers a week before.",
    }


def test_a_programme_milestone_belongs_to_no_proposal(staff):
    programme = factories.make_programme()
    milestone = create(programme=programme, actor=staff, kind=MilestoneKind.EOI_DEADLINE, title=" EoI closes ")
    assert (milestone.programme_id, milestone.proposal_id, milestone.title) == (programme.id, None, "EoI closes")
    assert activities("milestone.created")[0].proposal_id is None


def test_the_title_is_required_and_at_most_200_characters(proposal, staff):
    for title, message in (("", "Enter the milestone's title"), ("   ", "Enter the milestone's title"),
                           ("x" * 201, "Title must be 200 characters or fewer")):
        refused = refusal(lambda title=title: create(proposal, actor=staff, title=title))
        assert (refused.field, refused.message) == ("title", message)
    assert create(proposal, actor=staff, title="x" * 200).title == "x" * 200


@pytest.mark.parametrize(("on_proposal", "kind", "message"), [
    (True, MilestoneKind.PANEL_DATE,
     "Selection panel is for a programme's own milestones: choose Internal, Board, Innovate UK gateway or Delivery"),
    (False, MilestoneKind.GATEWAY,
     "Innovate UK gateway is for a proposal's milestones: choose Expression of interest deadline, "
     "Full proposal deadline, Assessment closes, Selection panel or Announcement"),
    (True, None, "Select the kind of milestone"),
])
def test_a_kind_that_does_not_fit_is_refused(proposal, staff, on_proposal, kind, message):
    where = {"proposal": proposal} if on_proposal else {"programme": factories.make_programme()}
    refused = refusal(lambda: create(**where, actor=staff, kind=kind))
    assert (refused.field, refused.message) == ("milestone_kind", message)


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN, Role.EXPERT])
def test_active_staff_admins_and_experts_may_own_a_milestone(proposal, staff, role):
    owner = factories.make_user(role)
    assert create(proposal, actor=staff, owner=owner).owner_id == owner.id


@pytest.mark.parametrize(("role", "active"), [(Role.BOARD, True), (Role.STAFF, False), (Role.EXPERT, False)])
def test_an_owner_who_is_not_active_staff_or_expert_is_refused(proposal, staff, role, active):
    owner = factories.make_user(role, name="Pat Person", active=active)
    refused = refusal(lambda: create(proposal, actor=staff, owner=owner))
    assert refused.field == "owner_id"
    assert refused.message == "Pat Person cannot own a milestone: choose an active member of staff or expert"


def test_an_owner_is_required(proposal, staff):
    assert refusal(lambda: create(proposal, actor=staff, owner=None)).field == "owner_id"


def test_a_due_date_before_the_start_date_is_refused(proposal, staff):
    refused = refusal(lambda: create(proposal, actor=staff, starts_on=date(2026, 3, 21)))
    assert (refused.field, refused.message) == (
        "due_on", "Due date must be the same as or after the start date, 21 March 2026")
    assert create(proposal, actor=staff, starts_on=DUE).starts_on == DUE


def test_a_due_date_and_a_state_are_required(proposal, staff):
    assert refusal(lambda: create(proposal, actor=staff, due_on=None)).message == "Enter the due date"
    assert refusal(lambda: create(proposal, actor=staff, state=None)).field == "milestone_state"


def test_a_new_milestone_may_depend_on_its_proposals_and_its_programmes(programme, proposal, staff):
    sibling = factories.make_milestone(proposal, title="Draft ready")
    deadline = factories.make_milestone(programme=programme, title="Deadline")
    milestone = create(proposal, actor=staff, depends_on=[deadline, sibling])
    db.session.commit()
    assert dependency_ids(milestone) == {sibling.id, deadline.id}
    [entry] = activities("milestone.created")
    assert entry.changes["depends_on"] == [None, ["Draft ready", "Deadline"]]  # by due date, then id


def test_a_dependency_on_another_proposals_milestone_is_refused(programme, proposal, staff):
    elsewhere = factories.make_milestone(factories.make_proposal(programme=programme), title="Theirs")
    refused = refusal(lambda: create(proposal, actor=staff, depends_on=[elsewhere]))
    assert refused.field == "depends_on"
    assert refused.message == ("“Theirs” belongs elsewhere: a milestone can depend only on milestones of "
                               "its own proposal or of its programme")
    other_programme = factories.make_milestone(programme=factories.make_programme(), title="Other call")
    assert refusal(lambda: create(proposal, actor=staff, depends_on=[other_programme])).field == "depends_on"
    assert milestone_count() == 2


def test_a_programme_milestone_depends_only_on_the_programmes_own(programme, proposal, staff):
    on_proposal = factories.make_milestone(proposal, title="A proposal's")
    refused = refusal(lambda: create(programme=programme, actor=staff, depends_on=[on_proposal]))
    assert refused.message.endswith("can depend only on other milestones of the programme itself")
    eoi = factories.make_milestone(programme=programme)
    assert dependency_ids(create(programme=programme, actor=staff, depends_on=[eoi])) == {eoi.id}


def test_a_milestone_created_done_is_done_today(proposal, staff):
    milestone = create(proposal, actor=staff, state=MilestoneState.DONE)
    assert (milestone.state, milestone.done_on) == (MilestoneState.DONE, TODAY)


# -- Changing ------------------------------------------------------------------------------------

def test_a_change_is_saved_with_its_audit_entry(proposal, staff):
    milestone = factories.make_milestone(proposal, title="Draft", kind=MilestoneKind.INTERNAL)
    owner = factories.make_user(Role.EXPERT, name="Ed Expert")
    changes = update(milestone, staff, title="Full draft", kind=MilestoneKind.GATEWAY, owner=owner,
                     due_on=date(2026, 4, 1), state=MilestoneState.IN_PROGRESS)
    db.session.commit()
    assert set(changes) == {"title", "milestone_kind", "owner_id", "due_on", "milestone_state"}
    assert (milestone.title, milestone.kind, milestone.owner_id) == ("Full draft", MilestoneKind.GATEWAY, owner.id)
    assert milestone.version == 2
    [entry] = activities("milestone.updated")
    assert entry.summary == "Changed milestone Full draft"
    described = {change.label: (change.before, change.after) for change in describe_changes([entry])[entry.id]}
    assert described["Kind"] == ("Internal", "Innovate UK gateway")
    assert described["State"] == ("Not started", "In progress")
    assert described["Due date"] == ("16 March 2026", "1 April 2026")
    assert described["Owner"][1] == "Ed Expert"


def test_saving_the_same_values_changes_nothing(proposal, staff):
    milestone = factories.make_milestone(proposal)
    assert update(milestone, staff) == {}
    db.session.commit()
    assert milestone.version == 1
    assert activities("milestone.updated") == []


def test_marking_done_records_the_day_and_leaving_done_clears_it(proposal, staff):
    milestone = factories.make_milestone(proposal, state=MilestoneState.IN_PROGRESS)
    changes = update(milestone, staff, state=MilestoneState.DONE)
    assert changes["done_on"] == [None, "2026-03-02"]
    assert milestone.done_on == TODAY
    assert activities("milestone.updated")[0].summary == f"Marked milestone {milestone.title} done"
    db.session.commit()
    # Still done, another field changed: the day it was done stays.
    update_milestone(milestone, **_same(milestone), title="Renamed", started_from=milestone.version, actor=staff,
                     today=date(2026, 3, 9))
    db.session.commit()
    assert milestone.done_on == TODAY
    update(milestone, staff, state=MilestoneState.BLOCKED)
    db.session.commit()
    assert (milestone.state, milestone.done_on) == (MilestoneState.BLOCKED, None)


def _same(milestone) -> dict:
    return {"kind": milestone.kind, "owner": db.session.get(User, milestone.owner_id),
            "starts_on": milestone.starts_on, "due_on": milestone.due_on, "state": milestone.state,
            "notes": milestone.notes, "depends_on": []}


def test_a_change_made_on_an_old_version_is_refused(proposal, staff):
    milestone = factories.make_milestone(proposal, title="Draft")
    update(milestone, staff, title="Someone else's title")
    db.session.commit()
    for started_from in (1, None):
        with pytest.raises(EditConflict):
            update(milestone, staff, title="Mine", started_from=started_from)
        assert milestone.title == "Someone else's title"


def test_changing_only_the_dependencies_moves_the_version_on(proposal, staff):
    milestone, before = factories.make_milestone(proposal), factories.make_milestone(proposal, title="Before it")
    changes = update(milestone, staff, depends_on=[before])
    db.session.commit()
    assert changes == {"depends_on": [[], ["Before it"]]}
    assert milestone.version == 2 and dependency_ids(milestone) == {before.id}
    update(milestone, staff, depends_on=[])
    db.session.commit()
    assert dependency_ids(milestone) == set()


def test_a_milestone_cannot_depend_on_itself(proposal, staff):
    milestone = factories.make_milestone(proposal, title="Sign-off")
    refused = refusal(lambda: update(milestone, staff, depends_on=[milestone]))
    assert (refused.field, refused.message) == ("depends_on", "Sign-off cannot depend on itself")


def test_a_cycle_is_refused_naming_it(proposal, staff):
    a = factories.make_milestone(proposal, title="A")
    b = factories.make_milestone(proposal, title="B", depends_on=[a])
    refused = refusal(lambda: update(a, staff, depends_on=[b]))
    assert (refused.field, refused.message) == ("depends_on", "That would make a cycle: A → B → A")
    assert dependency_ids(a) == set()


def test_a_longer_cycle_is_named_with_the_new_title(programme, proposal, staff):
    deadline = factories.make_milestone(programme=programme, title="Deadline")
    a = factories.make_milestone(proposal, title="A", depends_on=[deadline])
    b = factories.make_milestone(proposal, title="B", depends_on=[a])
    c = factories.make_milestone(proposal, title="C", depends_on=[b])
    refused = refusal(lambda: update(a, staff, title="A renamed", depends_on=[deadline, c]))
    assert refused.message == "That would make a cycle: A renamed → C → B → A renamed"
    assert (a.title, dependency_ids(a)) == ("A", {deadline.id})


def test_a_refused_change_leaves_everything_as_it_was(proposal, staff):
    milestone = factories.make_milestone(proposal, title="Draft", due_on=DUE)
    elsewhere = factories.make_milestone(factories.make_proposal(), title="Theirs")
    refusal(lambda: update(milestone, staff, title="New", due_on=date(2026, 5, 1), depends_on=[elsewhere]))
    refusal(lambda: update(milestone, staff, title="New", starts_on=date(2026, 6, 1)))
    db.session.commit()
    db.session.expire_all()
    milestone = db.session.get(Milestone, milestone.id)
    assert (milestone.title, milestone.due_on, milestone.version) == ("Draft", DUE, 1)
    assert dependency_ids(milestone) == set()


# -- Deleting ------------------------------------------------------------------------------------

def test_deleting_removes_the_milestone_and_its_links_both_ways(proposal, staff):
    first = factories.make_milestone(proposal, title="First")
    middle = factories.make_milestone(proposal, title="Middle", depends_on=[first])
    factories.make_milestone(proposal, title="Last", depends_on=[middle])
    delete_milestone(middle, staff)
    db.session.commit()
    assert db.session.get(Milestone, middle.id) is None
    assert db.session.scalar(select(func.count()).select_from(milestone_dependency)) == 0
    assert {m.title for m in db.session.scalars(select(Milestone))} == {"First", "Last"}
    [entry] = activities("milestone.deleted")
    assert (entry.proposal_id, entry.summary) == (proposal.id, "Deleted milestone Middle, due 16 March 2026")
    described = {change.label: change.after for change in describe_changes([entry])[entry.id]}
    assert (described["Depends on"], described["Depended on by"]) == ("First", "Last")
