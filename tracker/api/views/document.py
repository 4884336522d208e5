"""/api/v1/openapi.json: the OpenAPI 3.1 document, public (it describes, it shows no data)."""

from flask import jsonify

from tracker.api.openapi import document
from tracker.api.views import bp
from tracker.auth.access import public


@bp.route("/openapi.json")
@public
def openapi():
    """The OpenAPI document that describes every endpoint, parameter, answer and error."""
    return jsonify(document())
