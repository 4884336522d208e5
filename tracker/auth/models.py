"""People who use the tracker, their roles and their invitations."""

import hashlib
import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.enums import LabelledEnum
from tracker.extensions import db
from tracker.sqltypes import UTCDateTime, enum_column
from tracker.timeutil import utcnow


class Role(LabelledEnum):
    """What a person may do; see the permission table in DOMAIN.md."""

    ADMIN = ("admin", "Administrator")
    STAFF = ("staff", "Programme staff")
    EXPERT = ("expert", "Sector expert")
    BOARD = ("board", "Board member")


def new_session_token() -> str:
    """A random token that identifies a person's current sign-in sessions."""
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    """A person with a role; signs in with email and password."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = enum_column(Role, index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(default=True, server_default="1")
    # Changing it ends every session: the user loader only accepts the current token.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation", lazy="raise")

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"

    # Flask-Login ---------------------------------------------------------
    @property
    def is_active(self) -> bool:
        """Deactivated people cannot sign in or keep a session."""
        return self.is_active_account

    def get_id(self) -> str:
        """The session stores the token, not the id, so a new token ends old sessions."""
        return self.session_token

    def end_sessions(self) -> None:
        """Invalidate every session this person has."""
        self.session_token = new_session_token()

    # Passwords -----------------------------------------------------------
    def set_password(self, password: str) -> None:
        """Store a scrypt hash of `password` and end other sessions."""
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        """Whether `password` matches; False when none is set yet."""
        if not self.password_hash:
            return False
        return check_password_hash(self.password_hash, password)

    # Roles ---------------------------------------------------------------
    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_staff(self) -> bool:
        """Staff and admins manage proposals."""
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def is_board(self) -> bool:
        return self.role is Role.BOARD

    @property
    def is_expert(self) -> bool:
        return self.role is Role.EXPERT

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None


def hash_token(token: str) -> str:
    """Invitation tokens are stored hashed, so a database leak cannot be used to sign in."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(db.Model):
    """A one-time link that lets an invited person set their password."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def is_usable(self) -> bool:
        """Not used, not expired, and the person is still active."""
        return self.used_at is None and self.expires_at > utcnow() and self.user.is_active


def user_count() -> int:
    """How many people have accounts."""
    return db.session.scalar(db.select(func.count(User.id))) or 0
