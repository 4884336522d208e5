"""The API's views, GET only, one module per kind of thing: programmes and proposals
(catalogue), the parts of a proposal (parts), and the OpenAPI document. Every route joins one
blueprint, so endpoints read `api.<name>`."""

from flask import Blueprint

bp = Blueprint("api", __name__)

# Each module adds its routes to `bp` when imported.
from tracker.api.views import catalogue  # noqa: E402,F401
from tracker.api.views import document  # noqa: E402,F401
from tracker.api.views import parts  # noqa: E402,F401
