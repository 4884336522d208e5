"""The milestone pages, one module per part: each adds its routes to one blueprint, so endpoints
read `milestones.<name>`. Registered with no URL prefix: the routes live under /proposals,
/programmes, /milestones, /me and /calendar."""

from flask import Blueprint

bp = Blueprint("milestones", __name__)

# Each module adds its routes to `bp` when imported.
from tracker.milestones.views import files  # noqa: E402,F401
from tracker.milestones.views import timelines  # noqa: E402,F401
from tracker.milestones.views import manage  # noqa: E402,F401
