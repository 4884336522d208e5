"""The API's errors as RFC 9457 problem details (application/problem+json): type, title,
status and detail, with the headers the error carries (WWW-Authenticate, Allow)."""

from http import HTTPStatus

from flask import Response, current_app, json, request
from werkzeug.exceptions import HTTPException

from tracker.extensions import db

PROBLEM_JSON = "application/problem+json"

# What each status means for a reader of the API, when the code raising it says nothing better.
DETAILS = {
    400: "The request could not be understood.",
    401: "A valid personal API token is needed.",
    403: "Your role does not allow you to read this.",
    404: "There is nothing here, or nothing you may see.",
    405: "The API is read-only: only GET (and HEAD) are allowed.",
    500: "Something went wrong on our side. Nothing was changed.",
}


def problem(status: int, detail: str | None = None, headers=None) -> Response:
    """A problem response; `type` is about:blank, so `title` is the status's own phrase."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or DETAILS.get(status, HTTPStatus(status).description),
    }
    response = current_app.response_class(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in headers or []:
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_http_error(error: HTTPException) -> Response:
    """An HTTP error raised while answering an API request, as a problem; nothing is kept."""
    db.session.rollback()
    code = error.code or 500
    # werkzeug's generic descriptions talk about browsers and URLs: keep only what our code said.
    said = error.description if error.description != type(error).description else None
    return problem(code, said, error.get_headers(request.environ))


def is_api_request() -> bool:
    """Whether this request is for the API (even one no route matched)."""
    return request.path == "/api/v1" or request.path.startswith("/api/v1/")
