"""Signing in, invitations and passwords: state changes with their audit entries."""

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.activity.services import record_activity
from tracker.auth.models import Invitation, Role, User, hash_token
from tracker.extensions import db
from tracker.timeutil import utcnow

_DUMMY_HASH: dict[str, str] = {}


def normalise_email(email: str) -> str:
    """Emails are matched without regard to case or surrounding space."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The person with this email, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active person with these credentials, or None; takes as long either way."""
    user = find_user_by_email(email)
    if user is None or not user.has_password:
        _spend_a_hash(password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def _spend_a_hash(password: str) -> None:
    """Check against a throwaway hash so an unknown email is not revealed by timing."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = generate_password_hash(secrets.token_hex(16), method=method)
    check_password_hash(_DUMMY_HASH[method], password)


def record_sign_in(user: User) -> None:
    """Note when the person last signed in."""
    user.last_signed_in_at = utcnow()


def sign_out_everywhere(user: User) -> None:
    """End every session the person has (the loader refuses the old token)."""
    user.end_sessions()


def create_user(
    email: str, name: str, role: Role, actor: User | None, organisation_id: int | None = None
) -> User:
    """A new person, without a password until they set one."""
    user = User(
        email=normalise_email(email), name=name.strip(), role=role, organisation_id=organisation_id
    )
    db.session.add(user)
    record_activity(actor, "user.created", user, f"Added {user.name} as {role.label}")
    return user


def email_in_use(email: str, except_user_id: int | None = None) -> bool:
    """Whether another account already has this email."""
    query = select(func.count(User.id)).where(User.email == normalise_email(email))
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    return bool(db.session.scalar(query))


def issue_invitation(user: User, actor: User | None) -> str:
    """A new one-time link token for `user`; earlier unused links stop working."""
    now = utcnow()
    db.session.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        user_id=user.id,
        token_hash=hash_token(token),
        created_by_id=actor.id if actor else None,
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    record_activity(actor, "user.invited", user, f"Issued a sign-in link for {user.name}")
    return token


def find_invitation(token: str) -> Invitation | None:
    """The usable invitation for this token, or None."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


def accept_invitation(invitation: Invitation, password: str) -> User:
    """Set the invited person's password and use up the link."""
    user = invitation.user
    user.set_password(password)
    invitation.used_at = utcnow()
    record_activity(user, "user.password_set", user, f"{user.name} set a password from a link")
    return user


def change_password(user: User, new_password: str) -> None:
    """Set a new password; every other session ends."""
    user.set_password(new_password)
    record_activity(user, "user.password_changed", user, f"{user.name} changed their password")


def rename_user(user: User, name: str, actor: User) -> None:
    """Change the name others see."""
    if name == user.name:
        return
    record_activity(
        actor, "user.renamed", user, f"{user.name} is now {name}", {"name": [user.name, name]}
    )
    user.name = name


class CannotChangeOwnAccount(Exception):
    """An admin may not demote or deactivate themselves (the tracker would lose its admin)."""


def change_role(user: User, role: Role, actor: User) -> None:
    """Give a person another role; their sessions carry on with the new role."""
    if user.id == actor.id:
        raise CannotChangeOwnAccount("You cannot change your own role")
    if user.role is role:
        return
    record_activity(
        actor, "user.role_changed", user, f"{user.name} is now {role.label}",
        {"role": [user.role.value, role.value]},
    )
    user.role = role


def deactivate(user: User, actor: User) -> None:
    """Stop a person signing in and end their sessions at once."""
    if user.id == actor.id:
        raise CannotChangeOwnAccount("You cannot deactivate your own account")
    if not user.is_active_account:
        return
    user.is_active_account = False
    user.end_sessions()
    record_activity(actor, "user.deactivated", user, f"Deactivated {user.name}")


def reactivate(user: User, actor: User) -> None:
    """Let a deactivated person sign in again."""
    if user.is_active_account:
        return
    user.is_active_account = True
    record_activity(actor, "user.reactivated", user, f"Reactivated {user.name}")
