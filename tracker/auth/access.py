"""Deny by default: every view declares who may reach it, or nobody can.

Views are marked with `@public` (anyone, signed in or not), `@signed_in` (any active
person) or `@allow(Role.STAFF, ...)`. A before-request hook refuses any endpoint without a
mark: a visitor is sent to sign in, a signed-in person gets 403. Per-object checks
(`proposal.can_view(user)`) come on top of this, inside the view.

The read-only API's views are marked `@api_token` (or `@api_token_for(Role...)`): they are
reached with a personal API token and never with the session cookie (tracker.api.auth).
"""

from collections.abc import Callable

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from tracker.auth.models import Role

PUBLIC = "public"
SIGNED_IN = "signed_in"
ALL_ROLES = frozenset(Role)


def public(view: Callable) -> Callable:
    """Anyone may reach this view, signed in or not."""
    view.access_rule = PUBLIC
    return view


def signed_in(view: Callable) -> Callable:
    """Any signed-in person may reach this view."""
    view.access_rule = frozenset(Role)
    return view


def allow(*roles: Role) -> Callable[[Callable], Callable]:
    """Only people with one of `roles` may reach this view."""
    allowed = frozenset(roles)

    def mark(view: Callable) -> Callable:
        view.access_rule = allowed
        return view

    return mark


def staff_only(view: Callable) -> Callable:
    """Staff and admins."""
    return allow(Role.STAFF, Role.ADMIN)(view)


def admin_only(view: Callable) -> Callable:
    """Admins only."""
    return allow(Role.ADMIN)(view)


class TokenRule(frozenset):
    """The roles that may reach an API view with a personal API token; the session never does."""


def api_token(view: Callable) -> Callable:
    """Anyone with a valid personal API token, as the token's person (never by the session)."""
    view.access_rule = TokenRule(Role)
    return view


def api_token_for(*roles: Role) -> Callable[[Callable], Callable]:
    """Only people with one of `roles`, by a valid personal API token."""

    def mark(view: Callable) -> Callable:
        view.access_rule = TokenRule(roles)
        return view

    return mark


def access_rule_for(endpoint: str | None):
    """The rule declared by the view behind `endpoint`, or None when it declares none."""
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def is_allowed(endpoint: str | None, user) -> bool:
    """Whether `user` may reach `endpoint` by its declared rule."""
    rule = access_rule_for(endpoint)
    if rule is None or isinstance(rule, TokenRule):  # the session never reaches the API
        return False
    if rule == PUBLIC:
        return True
    return bool(user.is_authenticated and user.role in rule)


def enforce_access():
    """Before each request: refuse what no rule allows."""
    if request.endpoint is None:
        return None  # no route matched; the 404/405 handler answers
    rule = access_rule_for(request.endpoint)
    if isinstance(rule, TokenRule):
        from tracker.api.auth import sign_in_by_token  # the API's own, per-request sign-in

        if sign_in_by_token().role not in rule:  # 401 unless the token is good
            abort(403)
        return None
    if is_allowed(request.endpoint, current_user):
        return None
    if access_rule_for(request.endpoint) != PUBLIC and not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=return_address()))
    abort(403)


def return_address() -> str | None:
    """Where to go after signing in: this address, unless it only takes POSTs (a sign-out or
    deactivate button pressed after the session ended), which would answer 405 when fetched."""
    if "GET" not in request.url_rule.methods:
        return None
    return request.full_path.rstrip("?")
