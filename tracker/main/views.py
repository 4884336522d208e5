"""Home pages by role (and the staff home's lists in full), the accessibility statement and /healthz."""

from datetime import date, datetime

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user

from tracker.auth.access import public, staff_only
from tracker.contributions import input_requests
from tracker.database import database_is_reachable
from tracker.dashboard.views import render_dashboard
from tracker.extensions import db
from tracker.main import queries
from tracker.proposals.models import ProposalStage
from tracker.templating import LONDON

bp = Blueprint("main", __name__)


def today() -> date:
    """The day in the UK, by which the home pages judge waiting and lateness (the one place
    they read the clock)."""
    return datetime.now(LONDON).date()


@bp.route("/")
@public
def home():
    """Each role's home page; visitors are sent to sign in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    user = current_user
    context = {"title": "Home", "stages": list(ProposalStage)}
    if user.is_staff:
        context.update(queries.staff_home(user, today()))
        context["programmes"] = queries.stage_counts_by_programme()
        if user.is_admin:
            context["people"] = queries.people_by_role()
        return render_template("main/home_staff.html", **context)
    if user.is_board:
        return render_dashboard("Home")  # what waits for their decision, then the dashboard
    context.update(queries.expert_home(user, today()))
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


@bp.route("/waiting-input")
@staff_only
def waiting_input():
    """Every contribution waiting for staff's response, oldest first: the staff home's list in full."""
    page = db.paginate(queries.waiting_for_response(current_user),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("main/waiting_input.html", page=page,
                           rows=queries.waiting_rows(page.items, today()),
                           title="Input waiting for a response")


@bp.route("/overdue-requests")
@staff_only
def overdue_requests():
    """Every request for input past its due date that someone asked has not answered, longest
    overdue first: the staff home's list in full."""
    day = today()
    page = db.paginate(input_requests.overdue_requests(day),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("main/overdue_requests.html", page=page,
                           rows=input_requests.request_rows(page.items, day), today=day,
                           title="Requests for input overdue")



