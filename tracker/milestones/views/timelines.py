"""The timelines: /proposals/<id>/milestones and /programmes/<id>/timeline. Bars by date with a
today line, dependency links and the critical path marked, the same milestones as a table, and
filters by kind, owner and RAG that hide rows (the plan is always made over every milestone).

Not paginated: a timeline is one picture of a proposal's or a programme's dated steps, and the
forecasts and critical path need all of them; the set is bounded by the programme's proposals."""

from datetime import date

from flask import render_template, request, url_for
from flask_login import current_user
from wtforms import Form, SelectField

from tracker.auth.access import allow, signed_in
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.milestones import queries
from tracker.milestones.models import Milestone, MilestoneKind
from tracker.milestones.queries import MilestoneSet
from tracker.milestones.rules import RAG, plan
from tracker.milestones.rows import Deadline, TimelineFilter, build_groups, deadline_of, finish_of
from tracker.milestones.timeline import layout
from tracker.milestones.views import bp
from tracker.programmes.models import Programme
from tracker.proposals.views import get_proposal


class FilterForm(Form):
    """The timeline's filters, as the page shows them: a GET form, so no CSRF token. The URL is
    read by TimelineFilter, which names what it does not recognise."""

    kind = SelectField("Kind")
    owner = SelectField("Owner")
    rag = SelectField("RAG status")

    @classmethod
    def showing(cls, chosen: TimelineFilter, owners: list) -> "FilterForm":
        """The form with every choice, and those in use selected."""
        form = cls(data={
            "kind": chosen.kind.value if chosen.kind else "",
            "owner": str(chosen.owner_id or ""),
            "rag": chosen.rag.value if chosen.rag else "",
        })
        form.kind.choices = [("", "Every kind"), *((kind.value, kind.label) for kind in MilestoneKind)]
        form.owner.choices = [("", "Anyone"), *((str(owner.id), owner.name) for owner in owners)]
        form.rag.choices = [("", "Every status"), *((rag.value, f"{rag.symbol} {rag.label}") for rag in RAG)]
        return form


def today() -> date:
    """The day the timelines are drawn for (one place, so tests can fix it)."""
    return date.today()


@bp.route("/proposals/<int:proposal_id>/milestones")
@signed_in
def proposal_timeline(proposal_id: int):
    """A proposal's milestones with its programme's dates, and its forecast end against the
    full proposal deadline; for anyone who may see the proposal."""
    proposal = get_proposal(proposal_id)
    found = queries.for_proposal(proposal)
    deadline = deadline_of(proposal.programme.full_proposal_deadline, found.milestones)
    timeline = _timeline(found, {proposal.id: proposal}, deadline)
    own = next((group for group in timeline["all_groups"] if group.proposal is not None), None)
    return render_template(
        "milestones/proposal_timeline.html", proposal=proposal, deadline=deadline,
        finish=own.finish if own else finish_of([], deadline.on),
        new_url=url_for("milestones.new_for_proposal", proposal_id=proposal.id),
        can_add=Milestone(programme_id=proposal.programme_id, proposal_id=proposal.id).can_edit(current_user),
        filter_url=url_for("milestones.proposal_timeline", proposal_id=proposal.id),
        title=f"Milestones for {proposal.title}", **timeline,
    )


@bp.route("/programmes/<int:programme_id>/timeline")
@allow(Role.ADMIN, Role.STAFF, Role.BOARD)
def programme_timeline(programme_id: int):
    """Every milestone of a programme, its own dates first, then each proposal's with its
    forecast against the deadline; for staff, admins and board (experts see a proposal's
    timeline on the proposals open to them, not the whole programme's)."""
    programme = db.get_or_404(Programme, programme_id)
    found = queries.for_programme(programme.id)
    proposals = {m.proposal_id: m.proposal for m in found.milestones if m.proposal_id is not None}
    deadline = deadline_of(programme.full_proposal_deadline, found.milestones)
    return render_template(
        "milestones/programme_timeline.html", programme=programme, deadline=deadline,
        new_url=url_for("milestones.new_for_programme", programme_id=programme.id),
        can_add=Milestone(programme_id=programme.id).can_edit(current_user),
        filter_url=url_for("milestones.programme_timeline", programme_id=programme.id),
        title=f"Timeline for {programme.name}", **_timeline(found, proposals, deadline),
    )


def _timeline(found: MilestoneSet, proposals: dict, deadline: Deadline) -> dict:
    """What both pages show: the plan over every milestone for today, the groups, the filters
    read from the URL (rows hidden, plan unchanged) and the chart's layout."""
    day = today()
    planned = plan(found.milestones, found.dependencies, day)
    all_groups = build_groups(found.milestones, found.dependencies, planned, proposals, deadline.on)
    owners = sorted({m.owner.id: m.owner for m in found.milestones}.values(), key=lambda o: (o.name, o.id))
    shown_filter = TimelineFilter.from_args(request.args, {owner.id for owner in owners})
    groups = shown_filter.apply(all_groups)
    return {
        "today": day,
        "all_groups": all_groups,
        "groups": groups,
        "chart": layout(groups, day),
        "total": len(found.milestones),
        "shown": sum(len(group.entries) for group in groups),
        "chosen": shown_filter,
        "filter_form": FilterForm.showing(shown_filter, owners),
    }
