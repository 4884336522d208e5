"""Error pages; a form whose CSRF token fails is shown again with its typed text."""

import logging

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tracker.api import problems
from tracker.extensions import db

log = logging.getLogger(__name__)

PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/405.html",
    409: "errors/409.html",
    500: "errors/500.html",
}


def handle_http_error(error: HTTPException):
    """A generic page for the status; the API answers in JSON (tracker/api/problems.py), even
    at an address or with a method it does not have."""
    if problems.is_api_request():
        return problems.handle_http_error(error)
    db.session.rollback()
    code = error.code or 500
    template = PAGES.get(code, "errors/400.html" if code < 500 else "errors/500.html")
    return render_template(template, error=error), code


def handle_csrf_error(error: CSRFError):
    """Show the form again with what the person typed, and say why nothing was saved.

    The view runs again with the same request; its form fails validation on the bad token,
    so it re-renders with the typed values and an error summary, and nothing changes.
    Views whose answer to a failed form is a redirect get the generic 400 page instead.
    """
    db.session.rollback()
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or request.method != "POST":
        return render_template("errors/400.html", error=error), 400
    try:
        response = current_app.make_response(view(**(request.view_args or {})))
    except HTTPException as http_error:
        return handle_http_error(http_error)
    db.session.rollback()
    if response.status_code >= 300 and response.status_code < 400:
        return render_template("errors/400.html", error=error), 400
    response.status_code = 400
    return response


def handle_unexpected_error(error: Exception):
    """Log it, roll back, and show the generic 500 page."""
    db.session.rollback()
    log.exception("Unhandled error on %s %s", request.method, request.path, exc_info=error)
    if problems.is_api_request():
        return problems.problem(500)
    return render_template("errors/500.html"), 500


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected_error)
