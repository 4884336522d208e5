"""/proposals/<id>/sections/<key>: view, edit, history, compare and restore a section."""

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from tracker.auth.access import signed_in
from tracker.extensions import db
from tracker.proposals.views import get_proposal
from tracker.sections.models import Section

bp = Blueprint("sections", __name__)


def get_section(proposal_id: int, key: str):
    """The proposal (checked for the reader) and its section with this key, or 404."""
    proposal = get_proposal(proposal_id)
    section = db.session.scalar(
        select(Section).where(Section.proposal_id == proposal.id, Section.key == key)
    )
    if section is None:
        abort(404)
    return proposal, section


@bp.route("/<int:proposal_id>/sections/<key>")
@signed_in
def view(proposal_id: int, key: str):
    """A section's current text."""
    proposal, section = get_section(proposal_id, key)
    return render_template(
        "sections/view.html", proposal=proposal, section=section, user=current_user,
        title=section.title,
    )
