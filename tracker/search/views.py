"""Search across the proposals, sections and contributions the reader may see."""

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from tracker.auth.access import signed_in
from tracker.search import queries
from tracker.search.forms import SearchForm

bp = Blueprint("search", __name__)

# Page numbers beyond this are read as this one (an address may say anything).
LAST_PAGE_ASKED = 10_000


@bp.route("/search")
@signed_in
def index():
    """The search form, and with ?q= the matches the reader may see, best first, a page at a
    time, optionally of one kind; no search runs for a query without a letter or a digit."""
    form = SearchForm(request.args)
    results = None
    terms = form.terms() if form.asked else None
    if terms:
        page = min(max(request.args.get("page", 1, type=int), 1), LAST_PAGE_ASKED)
        results = queries.search(current_user, terms, form.kinds(), page,
                                 current_app.config["PAGE_SIZE"])
    return render_template("search/index.html", form=form, terms=terms, results=results,
                           title=f"Search: {terms.text}" if terms else "Search")
