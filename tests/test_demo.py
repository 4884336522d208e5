"""seed-demo: the West Midlands demo, idempotent, with every role and a password shown once."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker.activity.models import Activity
from tracker.assessments.models import SubmittedVersion
from tracker.assessments.services import summarise
from tracker.board.models import BoardDecision
from tracker.contributions.models import Attachment, Contribution
from tracker.sections.models import SectionRevision

from tracker.auth.models import Role, User
from tracker.demo.seed import seed_demo
from tracker.extensions import db
from tracker.programmes.models import Programme
from tracker.proposals.models import Proposal, ProposalStage

STRONG = "a long demo password for tests"
S = ProposalStage


def _counts():
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Programme, Proposal, SectionRevision, Activity, Contribution, Attachment)
    }


def test_seed_demo_builds_the_west_midlands_programme():
    seed_demo(STRONG)
    db.session.commit()
    programme = db.session.scalar(select(Programme))
    assert programme.name == "West Midlands Innovation Accelerator 2022"
    assert programme.funder == "Innovate UK"
    assert programme.assessment_threshold == 70
    proposals = db.session.scalars(select(Proposal)).all()
    assert len(proposals) >= 5
    stages = {p.stage for p in proposals}
    assert {S.DRAFT, S.CO_CREATION, S.BOARD_REVIEW, S.UNDER_ASSESSMENT, S.FUNDED, S.NOT_FUNDED} <= stages
    roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    assert set(roles) == set(Role)
    assert sum(roles.values()) >= 12
    for email in ("admin@example.org", "staff@example.org", "expert@example.org", "board@example.org"):
        assert db.session.scalar(select(User).where(User.email == email)).check_password(STRONG)


def test_demo_proposals_went_through_the_real_steps():
    """Records made by the services: revisions, board decisions, the 70.8% bid that failed."""
    seed_demo(STRONG)
    db.session.commit()
    by_title = {p.title: p for p in db.session.scalars(select(Proposal).options(joinedload(Proposal.programme)))}
    failed = by_title["Precision Diagnostics and Digital Health Data Hub"]
    summary = summarise(failed)
    assert failed.stage is S.NOT_FUNDED
    assert str(summary.average_percent) == "70.8" and summary.meets_threshold
    assert (summary.fund_votes, summary.assessors, summary.majority_fund) == (2, 5, False)
    funded = by_title["West Midlands Health Tech Innovation Accelerator"]
    assert funded.stage is S.FUNDED and summarise(funded).majority_fund
    assert db.session.scalar(select(func.count(SectionRevision.id))) > 50
    assert db.session.scalar(select(func.count(BoardDecision.id))) >= 11
    assert db.session.scalar(select(func.count(SubmittedVersion.id))) == 4
    review = by_title["MedTech Device Scale-up Programme"]
    assert review.stage is S.BOARD_REVIEW
    moves = db.session.scalar(
        select(func.count(Activity.id)).where(Activity.verb == "proposal.stage_changed")
    )
    assert moves >= 20


def test_seed_demo_twice_changes_nothing():
    seed_demo(STRONG)
    db.session.commit()
    before = _counts()
    result = seed_demo("a different password entirely")
    db.session.commit()
    assert result.added == {}
    assert _counts() == before
    user = db.session.scalar(select(User).where(User.email == "staff@example.org"))
    assert user.check_password(STRONG)
    assert "nothing changed" in result.report()


def test_cli_prints_a_generated_password_once(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_PASSWORD", "")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    line = next(line for line in first.output.splitlines() if line.startswith("Password (shown only now): "))
    password = line.split(": ", 1)[1]
    db.session.expire_all()
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    assert admin.check_password(password)
    second = runner.invoke(args=["seed-demo"])
    assert "nothing changed" in second.output
    assert password not in second.output


def test_cli_uses_demo_password_and_if_empty(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_PASSWORD", STRONG)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "Password: the value of DEMO_PASSWORD." in result.output
    assert STRONG not in result.output
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "demo data not loaded" in again.output


def test_cli_refuses_a_weak_demo_password(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_PASSWORD", "password")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "DEMO_PASSWORD is not allowed" in result.output
    db.session.expire_all()
    assert set(_counts().values()) == {0}


def test_demo_accounts_land_on_their_role_home(client):
    """Each demo role signs in through the form and sees a home page made for it."""
    seed_demo(STRONG)
    db.session.commit()
    expectations = {
        "admin@example.org": ["Proposals you own", "People"],
        "staff@example.org": ["Proposals you own", "Create a proposal"],
        "expert@example.org": ["Proposals open for your input"],
        "board@example.org": ["West Midlands Innovation Accelerator 2022", "Funding asked"],
    }
    for email, phrases in expectations.items():
        client.post("/auth/sign-in", data={"email": email, "password": STRONG})
        page = client.get("/").get_data(as_text=True)
        for phrase in phrases:
            assert phrase in page, (email, phrase)
        client.post("/auth/sign-out")


def test_demo_input_covers_every_status_with_real_files(app):
    """40+ contributions from experts of several organisation types and sectors, in every status,
    some with files that pass the same checks as an upload, and every response where it should be."""
    from pathlib import Path

    from tracker.contributions import files
    from tracker.contributions.models import (
        ContributionKind,
        ContributionResponse,
        ContributionStatus,
        expert_sector,
    )
    from tracker.organisations.models import Organisation

    seed_demo(STRONG)
    db.session.commit()
    contributions = db.session.scalars(select(Contribution)).all()
    assert len(contributions) >= 40
    assert {c.status for c in contributions} == set(ContributionStatus)
    assert {c.kind for c in contributions} == set(ContributionKind)
    assert len({c.sector_id for c in contributions}) >= 5
    types = db.session.scalars(
        select(Organisation.type).join(Contribution, Contribution.organisation_id == Organisation.id).distinct()
    ).all()
    assert len(types) >= 4
    answered = [c for c in contributions if c.status.is_answered]
    responses = db.session.scalars(select(ContributionResponse)).all()
    assert len(responses) == len(answered)
    assert all(r.responded_at >= next(c for c in answered if c.id == r.contribution_id).created_at
               for r in responses)
    assert any(r.revision_id for r in responses), "an accepted suggestion made a revision"
    # Only the proposal still in co-creation has input waiting.
    waiting = {c.proposal_id for c in contributions if c.status.is_open}
    assert len(waiting) == 1
    assert db.session.get(Proposal, waiting.pop()).stage is S.CO_CREATION
    attachments = db.session.scalars(select(Attachment)).all()
    assert len(attachments) >= 5
    folder = Path(app.config["UPLOAD_FOLDER"])
    for attachment in attachments:
        data = files.path_for(folder, attachment.stored_name).read_bytes()
        checked = files.check_upload(attachment.display_name, data, 0)
        assert (checked.kind, checked.sha256) == (attachment.kind, attachment.sha256)
    assert db.session.scalar(select(func.count()).select_from(expert_sector)) >= 9


def test_demo_requests_for_input_show_every_status():
    """A few requests for input: answered by the experts asked, open to a whole sector, overdue."""
    from tracker.contributions.input_requests import request_rows
    from tracker.contributions.models import InputRequest, InputRequestStatus

    seed_demo(STRONG)
    db.session.commit()
    requests = db.session.scalars(select(InputRequest).options(joinedload(InputRequest.section))).all()
    rows = request_rows(requests, date.today())
    assert len(rows) >= 5
    assert {row.status for row in rows} == set(InputRequestStatus)
    by_sector = [row for row in rows if row.sector_name == "Clean tech"]
    assert by_sector and by_sector[0].recipients >= 3


def test_demo_portfolio_and_regional_prioritisation(client_as):
    """Targets adding to 100%, the five weighted criteria, scores from five people on every
    scorable proposal, and the hydrogen bid flagged: it depends on a testbed below 70%."""
    from tracker.portfolio.models import ProgrammeTarget
    from tracker.prioritisation.models import Criterion, CriterionScore
    from tracker.prioritisation.queries import criteria_of, dependencies_of, ranking

    seed_demo(STRONG)
    db.session.commit()
    programme = db.session.scalar(select(Programme))
    assert db.session.scalar(select(func.sum(ProgrammeTarget.share))) == 100
    assert db.session.scalar(select(func.sum(Criterion.weight))) == 100
    scorers = dict(db.session.execute(
        select(CriterionScore.proposal_id, func.count(CriterionScore.scorer_id.distinct()))
        .group_by(CriterionScore.proposal_id)
    ).all())
    assert len(scorers) == 6 and set(scorers.values()) == {5}
    ranked = ranking(programme.id, criteria_of(programme.id))
    assert len(ranked) == 6 and all(row.rank is not None for row in ranked)
    depends = dependencies_of([row.proposal_id for row in ranked], programme.assessment_threshold)
    flagged = {row.title for row in ranked if any(d.failed for d in depends[row.proposal_id])}
    assert flagged == {"Hydrogen for Heavy Industry Demonstrator"}

    page = client_as(Role.BOARD).get(f"/programmes/{programme.id}/prioritisation")
    assert "Ineligible" in page.get_data(as_text=True)


def test_demo_milestones_show_every_rag_status():
    """The programme's five real dates, and 6 to 12 steps a proposal relative to today: done, in
    progress, overdue and blocked, so every RAG status shows and some forecasts slip."""
    from tracker.milestones.models import Milestone, MilestoneState
    from tracker.milestones.queries import for_programme
    from tracker.milestones.rules import RAG, plan

    seed_demo(STRONG)
    db.session.commit()
    programme = db.session.scalar(select(Programme))
    per_proposal = dict(db.session.execute(
        select(Milestone.proposal_id, func.count(Milestone.id)).group_by(Milestone.proposal_id)
    ).all())
    assert per_proposal.pop(None) == 5
    assert len(per_proposal) == 7 and all(6 <= n <= 12 for n in per_proposal.values())
    states = set(db.session.scalars(select(Milestone.state).distinct()))
    assert states == set(MilestoneState)
    found = for_programme(programme.id)
    planned = plan(found.milestones, found.dependencies, date.today())
    assert {p.rag for p in planned.values()} == set(RAG)
    assert any(p.slip_days > 0 and not p.overdue for p in planned.values()), "a forecast slips"


def test_demo_proposals_have_been_at_their_stage_for_a_while():
    """The dashboard's "days in stage" tells the demo's story, not the moment it was seeded."""
    from tracker.demo import data
    from tracker.timeutil import utcnow

    seed_demo("demo password for tests 1")
    db.session.commit()
    days = {
        title: (utcnow() - changed).days
        for title, changed in db.session.execute(select(Proposal.title, Proposal.stage_changed_at))
    }
    assert days == {spec["title"]: spec["days_in_stage"] for spec in data.PROPOSALS}
    assert min(days.values()) > 0
