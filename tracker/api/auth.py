"""Signing in to the API, one request at a time, by a personal API token in the
`Authorization: Bearer ...` header. The session cookie is never read: the API cannot be
reached from a signed-in browser, so cross-site requests cannot use it either."""

from flask import current_app, g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from tracker.api import tokens
from tracker.api.tokens import TokenState
from tracker.auth.models import User
from tracker.extensions import db
from tracker.templating import date_time
from tracker.timeutil import utcnow

REALM = "tracker API"


def sign_in_by_token() -> User:
    """The active person whose valid token this request carries, who is then the current user
    for this request only; raises a 401 (with WWW-Authenticate) for anything else."""
    g._login_user = current_app.login_manager.anonymous_user()  # so the session is never read
    scheme, _, secret = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _refused("Send a personal API token in the header Authorization: Bearer <token>. "
                       "Create one on your profile.", error=None)
    now = utcnow()
    token = tokens.token_for(secret.strip())
    state = tokens.state_of(token, now) if token is not None else None
    if token is None or not token.user.is_active:
        raise _refused("The API token is not valid.")
    if state is TokenState.REVOKED:
        raise _refused("The API token has been revoked. Create a new one on your profile.")
    if state is TokenState.EXPIRED:
        raise _refused(f"The API token expired on {date_time(token.expires_at)} (UK time). "
                       "Create a new one on your profile.")
    user = token.user
    if tokens.note_use(token, now):
        db.session.commit()  # the token's own bookkeeping, before the view reads anything
    g._login_user = user
    return user


def _refused(detail: str, error: str | None = "invalid_token") -> Unauthorized:
    """A 401 that says how to authenticate (RFC 6750: no error code when none was sent)."""
    parameters = {"realm": REALM}
    if error is not None:
        parameters["error"] = error
    return Unauthorized(detail, www_authenticate=WWWAuthenticate("Bearer", parameters))
