"""seed-demo: add whatever of the demo data is missing; running it twice changes nothing."""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tracker.auth.models import Role, User
from tracker.auth.passwords import password_problem
from tracker.demo import data
from tracker.demo.inputs import register_expert_sectors
from tracker.demo.lifecycle import walk
from tracker.demo.milestones import seed_milestones
from tracker.demo.regional import seed_regional
from tracker.extensions import db
from tracker.organisations.models import Organisation, OrganisationType
from tracker.programmes.models import Programme
from tracker.proposals.models import Proposal, ProposalStage
from tracker.notifications.models import FollowReason
from tracker.notifications.services import follow
from tracker.sections.services import add_default_template, add_sections_from_template
from tracker.sectors.models import Sector, SectorKind
from tracker.timeutil import utcnow


class DemoPasswordRefused(Exception):
    """DEMO_PASSWORD does not meet the password rule."""


@dataclass
class SeedResult:
    """What seed-demo added, and the password to print once."""

    added: dict[str, int] = field(default_factory=dict)
    password: str | None = None
    password_from_env: bool = False

    def count(self, kind: str) -> None:
        self.added[kind] = self.added.get(kind, 0) + 1

    def report(self) -> str:
        """What to print after seeding."""
        if not self.added:
            return "Demo data is already loaded; nothing changed."
        lines = ["Loaded demo data: " + ", ".join(f"{n} {kind}" for kind, n in self.added.items())]
        if self.added.get("people"):
            lines.append("Demo accounts:")
            for email, name, role, _ in data.PEOPLE[:4]:
                lines.append(f"  {email:<22} {Role(role).label} ({name})")
            lines.append(f"  ...and {len(data.PEOPLE) - 4} more people, all with the same password.")
            if self.password_from_env:
                lines.append("Password: the value of DEMO_PASSWORD.")
            else:
                lines.append(f"Password (shown only now): {self.password}")
        return "\n".join(lines)


def _by_name(model, names) -> dict:
    return {item.name: item for item in db.session.scalars(select(model).where(model.name.in_(names)))}


def seed_demo(password: str | None = None) -> SeedResult:
    """Add the demo programme, catalogue, organisations, people and proposals that are missing."""
    result = SeedResult()
    organisations = _seed_organisations(result)
    _seed_sectors(result)
    people = _seed_people(result, organisations, password)
    programme = _seed_programme(result)
    _seed_proposals(result, programme, organisations, people)
    db.session.flush()
    seed_regional(programme, people, result.count)
    proposals = db.session.scalars(
        select(Proposal).where(Proposal.programme_id == programme.id).order_by(Proposal.id)
    ).all()
    seed_milestones(programme, proposals, people, result.count)
    db.session.flush()
    return result


def _seed_organisations(result: SeedResult) -> dict[str, Organisation]:
    existing = _by_name(Organisation, [name for name, _ in data.ORGANISATIONS])
    for name, kind in data.ORGANISATIONS:
        if name not in existing:
            existing[name] = Organisation(name=name, type=OrganisationType(kind))
            db.session.add(existing[name])
            result.count("organisations")
    return existing


def _seed_sectors(result: SeedResult) -> None:
    existing = _by_name(Sector, [name for name, _, _ in data.SECTORS])
    for name, kind, description in data.SECTORS:
        if name not in existing:
            db.session.add(Sector(name=name, kind=SectorKind(kind), description=description))
            result.count("sectors and themes")


def _seed_people(result: SeedResult, organisations, password: str | None) -> dict[str, User]:
    emails = [email for email, *_ in data.PEOPLE]
    existing = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    missing = [person for person in data.PEOPLE if person[0] not in existing]
    if not missing:
        return existing
    if password:
        problem = password_problem(password)
        if problem:
            raise DemoPasswordRefused(f"DEMO_PASSWORD is not allowed: {problem}")
        result.password_from_env = True
    else:
        password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
    result.password = password
    # One hash for every demo account: the demo shares a password, and scrypt is slow on purpose.
    password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
    for email, name, role, organisation in missing:
        user = User(
            email=email,
            name=name,
            role=Role(role),
            password_hash=password_hash,
            organisation=organisations.get(organisation) if organisation else None,
        )
        db.session.add(user)
        existing[email] = user
        result.count("people")
    return existing


def _seed_programme(result: SeedResult) -> Programme:
    programme = db.session.scalar(select(Programme).where(Programme.name == data.PROGRAMME["name"]))
    if programme is None:
        programme = Programme(**data.PROGRAMME)
        db.session.add(programme)
        db.session.flush()
        add_default_template(programme)
        result.count("programme")
    return programme


def _seed_proposals(result: SeedResult, programme: Programme, organisations, people) -> None:
    db.session.flush()
    titles = set(
        db.session.scalars(select(Proposal.title).where(Proposal.programme_id == programme.id))
    )
    register_expert_sectors(people)
    for position, spec in enumerate(data.PROPOSALS):
        if spec["title"] in titles:
            continue
        proposal = Proposal(
            programme=programme,
            title=spec["title"],
            lead_organisation=organisations[spec["lead"]],
            owner=people[spec["owner"]],
            funding_ask=spec["funding_ask"],
            summary=spec["summary"],
            stage=ProposalStage.DRAFT,
        )
        proposal.partners = [organisations[name] for name in spec["partners"]]
        db.session.add(proposal)
        db.session.flush()
        add_sections_from_template(proposal)
        follow(proposal.owner, proposal, FollowReason.OWNER)
        db.session.flush()
        walk(proposal, spec, people, position)
        # The walk happens today; the story it tells began weeks ago.
        proposal.stage_changed_at = utcnow() - timedelta(days=spec["days_in_stage"])
        result.count("proposals")
