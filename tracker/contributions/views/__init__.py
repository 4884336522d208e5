"""The co-creation pages, one module per audience: experts giving input, staff triaging and
answering it, requests for input, and the "you said, we did" report. Every route joins one
blueprint, so endpoints read `contributions.<name>`."""

from flask import Blueprint

bp = Blueprint("contributions", __name__)

# Each module adds its routes to `bp` when imported.
from tracker.contributions.views import expert  # noqa: E402,F401
from tracker.contributions.views import report  # noqa: E402,F401
from tracker.contributions.views import respond  # noqa: E402,F401
from tracker.contributions.views import triage  # noqa: E402,F401
from tracker.contributions.views import input_requests  # noqa: E402,F401
