"""Home pages by role, the accessibility statement and /healthz."""

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user

from tracker.auth.access import public
from tracker.database import database_is_reachable
from tracker.main import queries
from tracker.proposals.models import ProposalStage

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home():
    """Each role's home page; visitors are sent to sign in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    user = current_user
    context = {"title": "Home", "stages": list(ProposalStage)}
    if user.is_staff:
        context["owned"] = queries.proposals_owned_by(user)
        context["programmes"] = queries.stage_counts_by_programme()
        if user.is_admin:
            context["people"] = queries.people_by_role()
        return render_template("main/home_staff.html", **context)
    if user.is_board:
        context["programmes"] = queries.stage_counts_by_programme()
        return render_template("main/home_board.html", **context)
    context["open_for_input"] = queries.proposals_open_for_input(user)
    return render_template("main/home_expert.html", **context)


@bp.route("/accessibility")
@public
def accessibility():
    """The accessibility statement."""
    return render_template("main/accessibility.html", title="Accessibility statement")


@bp.route("/healthz")
@public
def healthz():
    """200 when the database answers, 503 when it does not."""
    if database_is_reachable():
        return jsonify(status="ok", database="reachable"), 200
    return jsonify(status="unavailable", database="unreachable"), 503



