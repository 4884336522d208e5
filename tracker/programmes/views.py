"""/programmes: list, view, create and edit funding calls."""

from datetime import date
from decimal import Decimal

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from tracker.auth.access import signed_in, staff_only
from tracker.concurrency import EditConflict, conflicting_fields
from tracker.extensions import db
from tracker.programmes import queries, services
from tracker.programmes.forms import ProgrammeForm
from tracker.programmes.models import Programme
from tracker.proposals.models import Proposal
from tracker.proposals.queries import visible_proposals
from tracker.templating import long_date, money

bp = Blueprint("programmes", __name__)


@bp.route("/")
@signed_in
def index():
    """Every programme with its number of proposals and the funding they ask for."""
    page = db.paginate(
        queries.all_programmes(), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    figures = queries.figures_for([programme.id for programme in page.items])
    return render_template(
        "programmes/index.html", page=page, figures=figures, title="Programmes"
    )


@bp.route("/<int:programme_id>")
@signed_in
def detail(programme_id: int):
    """A programme's details, key dates and the proposals in it that the reader may see."""
    programme = db.get_or_404(Programme, programme_id)
    proposals = db.paginate(
        visible_proposals(current_user)
        .where(Proposal.programme_id == programme.id)
        .options(joinedload(Proposal.lead_organisation), joinedload(Proposal.owner))
        .order_by(Proposal.title, Proposal.id),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    count, asked = queries.figures_for([programme.id])[programme.id]
    return render_template(
        "programmes/detail.html", programme=programme, proposals=proposals, count=count,
        asked=asked, title=programme.name,
    )


@bp.route("/new", methods=["GET", "POST"])
@staff_only
def new():
    """Create a programme."""
    form = ProgrammeForm()
    if form.validate_on_submit():
        programme = services.create_programme(form.values(), current_user)
        db.session.commit()
        flash(f"{programme.name} has been created", "success")
        return redirect(url_for("programmes.detail", programme_id=programme.id))
    return render_template("programmes/form.html", form=form, title="Create a programme")


@bp.route("/<int:programme_id>/edit", methods=["GET", "POST"])
@staff_only
def edit(programme_id: int):
    """Change a programme; an edit made on an old version is refused with 409."""
    programme = db.get_or_404(Programme, programme_id)
    form = ProgrammeForm(programme=programme)
    if request.method == "GET":
        form.edit_version.data = programme.version
    if form.validate_on_submit():
        try:
            services.update_programme(programme, form.values(), form.started_from(), current_user)
        except EditConflict:
            db.session.rollback()
            programme = db.get_or_404(Programme, programme_id)
            conflicts = conflicting_fields(
                _as_shown(services.programme_values(programme)), _as_shown(form.values()),
                Programme.FIELD_LABELS,
            )
            form.edit_version.data = programme.version
            form.form_errors.append(
                "Someone else changed this programme while you were editing it. "
                "Your changes have not been saved yet: check the differences below, then save again."
            )
            return render_template(
                "programmes/form.html", form=form, programme=programme, conflicts=conflicts,
                title=f"Change {programme.name}",
            ), 409
        db.session.commit()
        flash(f"{programme.name} has been saved", "success")
        return redirect(url_for("programmes.detail", programme_id=programme.id))
    return render_template(
        "programmes/form.html", form=form, programme=programme, title=f"Change {programme.name}"
    )


def _as_shown(values: dict) -> dict:
    """Money, percentages and dates as people write them (exactly, so equal stays equal)."""
    shown = {}
    for key, value in values.items():
        if key == "total_pot" and value is not None:
            value = money(value)
        elif isinstance(value, Decimal):
            value = f"{value.normalize():f}%"
        elif isinstance(value, date):
            value = long_date(value)
        shown[key] = value
    return shown
