"""Object factories for tests: each makes a valid object with sensible defaults and commits,
so that requests made by the test client (in their own session) see it."""

import itertools
from datetime import date
from decimal import Decimal
from functools import cache

from flask import current_app
from werkzeug.security import generate_password_hash

from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.organisations.models import Organisation, OrganisationType
from tracker.programmes.models import Programme
from tracker.proposals.models import Proposal, ProposalStage
from tracker.notifications.models import FollowReason
from tracker.notifications.services import follow
from tracker.sections.services import add_default_template, add_sections_from_template
from tracker.sectors.models import Sector, SectorKind

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


@cache
def _password_hash(method: str) -> str:
    """One real scrypt hash of PASSWORD for the whole run (hashing is slow by design)."""
    return generate_password_hash(PASSWORD, method=method)


def make_user(role: Role = Role.STAFF, email: str | None = None, name: str | None = None,
              active: bool = True, password: bool = True, organisation=None) -> User:
    """A person with PASSWORD as their password (or none, like an invited person)."""
    n = next(_numbers)
    user = User(
        email=(email or f"{role.value}{n}@example.org").strip().lower(),  # as the app stores it
        name=name or f"{role.label} {n}",
        role=role,
        is_active_account=active,
        password_hash=_password_hash(current_app.config["PASSWORD_HASH_METHOD"]) if password else None,
        organisation=organisation,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_organisation(name: str | None = None,
                      type_: OrganisationType = OrganisationType.BUSINESS) -> Organisation:
    """An organisation."""
    organisation = Organisation(name=name or f"Organisation {next(_numbers)} Ltd", type=type_)
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_sector(name: str | None = None, kind: SectorKind = SectorKind.SECTOR,
                retired: bool = False) -> Sector:
    """A sector or theme."""
    sector = Sector(name=name or f"Sector {next(_numbers)}", kind=kind, is_retired=retired)
    db.session.add(sector)
    db.session.commit()
    return sector


def make_programme(name: str | None = None, **values) -> Programme:
    """A programme with the demo's threshold and quorum."""
    defaults = {
        "funder": "Innovate UK",
        "region": "West Midlands",
        "total_pot": 33_000_000,
        "assessment_threshold": Decimal("70"),
        "board_quorum": 3,
        "full_proposal_deadline": date(2022, 11, 30),
    }
    programme = Programme(name=name or f"Programme {next(_numbers)}", **{**defaults, **values})
    db.session.add(programme)
    db.session.flush()
    add_default_template(programme)
    db.session.commit()
    return programme


def make_proposal(programme: Programme | None = None, owner: User | None = None,
                  stage: ProposalStage = ProposalStage.DRAFT, partners=(), **values) -> Proposal:
    """A proposal; makes its programme, lead organisation and owner when not given."""
    proposal = Proposal(
        programme_id=(programme or make_programme()).id,
        owner_id=(owner or make_user(Role.STAFF)).id,
        lead_organisation_id=values.pop("lead_organisation_id", None) or make_organisation().id,
        title=values.pop("title", None) or f"Proposal {next(_numbers)}",
        funding_ask=values.pop("funding_ask", 1_000_000),
        summary=values.pop("summary", "A summary."),
        stage=stage,
        **values,
    )
    proposal.partners = list(partners)
    db.session.add(proposal)
    db.session.flush()
    add_sections_from_template(proposal)
    follow(db.session.get(User, proposal.owner_id), proposal, FollowReason.OWNER)
    db.session.commit()
    return proposal


def make_milestone(proposal: Proposal | None = None, programme: Programme | None = None,
                   owner: User | None = None, depends_on=(), **values):
    """A milestone of `proposal` (made when neither is given), or of `programme` itself when
    only that is given; saved directly, with the milestones it depends on, so tests can set up
    any state (a done one is done on its due date unless `done_on` is given)."""
    from tracker.milestones.models import Milestone, MilestoneKind, MilestoneState, milestone_dependency

    if proposal is None and programme is None:
        proposal = make_proposal()
    due_on = values.pop("due_on", date(2026, 3, 16))
    state = values.pop("state", MilestoneState.NOT_STARTED)
    milestone = Milestone(
        programme_id=proposal.programme_id if proposal is not None else programme.id,
        proposal_id=proposal.id if proposal is not None else None,
        title=values.pop("title", None) or f"Milestone {next(_numbers)}",
        kind=values.pop("kind", MilestoneKind.INTERNAL if proposal is not None else MilestoneKind.PANEL_DATE),
        owner_id=(owner or make_user(Role.STAFF)).id,
        due_on=due_on,
        state=state,
        done_on=values.pop("done_on", due_on if state is MilestoneState.DONE else None),
        **values,
    )
    db.session.add(milestone)
    db.session.flush()
    if depends_on:
        db.session.execute(milestone_dependency.insert(), [
            {"milestone_id": milestone.id, "depends_on_id": other.id} for other in depends_on
        ])
    db.session.commit()
    return milestone
