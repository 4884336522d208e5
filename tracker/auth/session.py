"""Flask-Login wiring: sessions are tied to a per-person token that sign-out rotates."""

from flask import Flask
from sqlalchemy import select

from tracker.auth.models import User
from tracker.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """The person whose current token this is, if still active; a stale cookie loads nobody."""
    user = db.session.scalar(select(User).where(User.session_token == session_token))
    if user is None or not user.is_active:
        return None
    return user


def init_login(app: Flask) -> None:
    """Bind Flask-Login; the access hook, not Flask-Login, decides who reaches what."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.session_protection = "basic"
