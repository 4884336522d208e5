"""Security headers on every response, with a fresh CSP nonce per request."""

import secrets

from flask import Flask, g
from flask_login import current_user


def csp_nonce() -> str:
    """This request's nonce for inline scripts (GOV.UK Frontend's body-class script)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    """Same-origin everything; inline scripts only with this request's nonce."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def set_security_headers(response):
    """The headers every response carries; pinned by tests/test_security_headers.py."""
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if response.mimetype == "text/html" or current_user.is_authenticated:
        # Pages show people's work: keep them out of shared caches and the back-forward cache.
        headers["Cache-Control"] = "no-store"
    return response


def set_hsts(response):
    """Tell browsers to use HTTPS only (production, where cookies are Secure)."""
    response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def init_app(app: Flask) -> None:
    """Register the header hooks and expose the nonce to templates."""
    app.after_request(set_security_headers)
    if app.config["SESSION_COOKIE_SECURE"]:
        app.after_request(set_hsts)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
