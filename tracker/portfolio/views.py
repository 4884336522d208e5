"""/programmes/<id>/portfolio (the funding asked per sector and theme against the targets) and
/programmes/<id>/targets (the target share per sector or theme)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import Form, SelectMultipleField

from tracker.auth.access import allow, staff_only
from tracker.auth.models import Role
from tracker.concurrency import EditConflict, conflicting_fields
from tracker.extensions import db
from tracker.portfolio import queries
from tracker.portfolio.balance import balance
from tracker.portfolio.chart import bar_chart
from tracker.portfolio.forms import TargetsForm
from tracker.portfolio.services import TargetsRefused, set_targets
from tracker.priorities.services import percent_text
from tracker.programmes.models import Programme
from tracker.proposals.models import ProposalStage
from tracker.proposals.queries import UNALLOCATED, stages_named

bp = Blueprint("portfolio", __name__)

# The quick choices of stages above the portfolio (an empty list: every stage).
STAGE_VIEWS = (
    ("Still in play", [stage for stage in ProposalStage if not stage.is_closed]),
    ("Funded", [ProposalStage.FUNDED]),
    ("All stages", []),
)


class StageFilter(Form):
    """The portfolio's stage checkboxes: a GET filter, so no CSRF token."""

    stage = SelectMultipleField("Stages", choices=ProposalStage.choices())


@bp.route("/<int:programme_id>/portfolio")
@allow(Role.ADMIN, Role.STAFF, Role.BOARD)
def index(programme_id: int):
    """The funding asked per sector and theme (each ask apportioned by its priorities' shares)
    against the programme's targets, for the proposals at the stages chosen."""
    programme = db.get_or_404(Programme, programme_id)
    stages, unknown = stages_named(request.args.getlist("stage"))
    # The rows come raw and are summed here, not with SUM() in SQL: each ask is rounded to whole
    # pounds per proposal (largest remainder), and a sector's total is the sum of those parts,
    # so that the parts of every ask, and the column, add up exactly to what was asked.
    rows, sectors = queries.asked_rows(programme.id, stages)
    targets, target_sectors = queries.targets_of(programme.id)
    result = balance(rows, {**sectors, **target_sectors}, targets)
    values = [stage.value for stage in stages]

    def proposals_url(line=None) -> str:
        """The proposals list behind a figure: this programme, these stages, this sector."""
        sector = None if line is None else (line.sector.id if line.sector else UNALLOCATED)
        return url_for("proposals.index", programme=programme.id, sector=sector,
                       stage=",".join(values) or None)

    views = [
        (label, url_for("portfolio.index", programme_id=programme.id,
                        stage=",".join(stage.value for stage in view) or None),
         set(view) == set(stages))
        for label, view in STAGE_VIEWS
    ]
    return render_template(
        "portfolio/index.html", programme=programme, result=result, chart=bar_chart(result),
        stages=stages, unknown=unknown, stage_filter=StageFilter(data={"stage": values}),
        views=views, own_choice=not any(current for _, _, current in views),
        proposals_url=proposals_url, can_edit=programme.can_edit(current_user),
        title="Portfolio balance",
    )


@bp.route("/<int:programme_id>/targets", methods=["GET", "POST"])
@staff_only
def targets(programme_id: int):
    """Set the programme's target share per sector or theme, the whole set in one form; an
    edit made on an old version of the programme is refused with 409."""
    programme = db.get_or_404(Programme, programme_id)
    if not programme.can_edit(current_user):
        abort(403)
    form = TargetsForm.for_rows(queries.target_rows(programme.id))
    if request.method == "GET":
        form.edit_version.data = programme.version
    if form.validate_on_submit():
        try:
            changes = set_targets(programme, form.shares(), form.started_from(), current_user)
        except EditConflict:
            db.session.rollback()
            return _conflict(programme_id, form)
        except TargetsRefused as refused:
            db.session.rollback()
            field = form.share_field(refused.sector_id)
            (field.errors if field is not None else form.form_errors).append(refused.message)
            programme = db.get_or_404(Programme, programme_id)
        else:
            db.session.commit()
            flash("The targets have been saved" if changes else "The targets were already as you set them",
                  "success")
            return redirect(url_for("portfolio.index", programme_id=programme.id))
    return _render_targets(programme, form, status=400 if form.errors or form.form_errors else 200)


def _conflict(programme_id: int, form: TargetsForm):
    """Keep what the person typed and show the targets saved in the meantime."""
    programme = db.get_or_404(Programme, programme_id)
    saved = {row.sector.id: row.target for row in queries.target_rows(programme.id)}
    conflicts = conflicting_fields(
        _as_shown(saved), _as_shown(form.shares()), {row.sector.id: row.sector.name for row in form.rows}
    )
    form.edit_version.data = programme.version
    form.form_errors.append(
        "Someone else changed this programme while you were editing its targets. Your targets "
        "have not been saved yet: check the differences below, then save again."
    )
    return _render_targets(programme, form, status=409, conflicts=conflicts)


def _as_shown(shares: dict) -> dict:
    """Targets as people write them: 40%, or "No target"."""
    return {key: "No target" if share is None else percent_text(share) for key, share in shares.items()}


def _render_targets(programme: Programme, form: TargetsForm, status: int, conflicts=None):
    """The targets form."""
    return render_template(
        "portfolio/targets.html", programme=programme, form=form, conflicts=conflicts,
        percent_text=percent_text,
        title=f"Targets for {programme.name}",
    ), status
