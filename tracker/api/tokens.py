"""Personal API tokens: made by their owner (the secret shown once, only its hash kept),
revoked by their owner, and checked on every API request."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm import joinedload

from tracker.activity.services import record_activity
from tracker.api.models import ApiToken
from tracker.auth.models import User
from tracker.enums import LabelledEnum
from tracker.extensions import db

SECRET_PREFIX = "tracker_"
# How much of the secret is kept in the clear, so its owner can tell tokens apart.
SHOWN_CHARACTERS = 16
# Last use is recorded at most this often, so reading the API is not a write per request.
LAST_USED_EVERY = timedelta(minutes=1)


class TokenLifetime(LabelledEnum):
    """How long a new token works for."""

    DAYS_30 = ("30", "30 days")
    DAYS_90 = ("90", "90 days")
    DAYS_365 = ("365", "1 year")
    NEVER = ("never", "It does not expire")

    def expiry_from(self, now: datetime) -> datetime | None:
        """When a token made `now` stops working (None: it does not expire)."""
        return None if self is TokenLifetime.NEVER else now + timedelta(days=int(self.value))


class TokenState(LabelledEnum):
    """Whether a token works, derived on every read."""

    ACTIVE = ("active", "Active")
    EXPIRED = ("expired", "Expired")
    REVOKED = ("revoked", "Revoked")

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag colour; the label always shows too."""
        return {"active": "green", "expired": "grey", "revoked": "red"}[self.value]


def state_of(token: ApiToken, now: datetime) -> TokenState:
    """Revoked, expired (at its expiry instant or after) or active."""
    if token.revoked_at is not None:
        return TokenState.REVOKED
    if token.expires_at is not None and token.expires_at <= now:
        return TokenState.EXPIRED
    return TokenState.ACTIVE


def hash_secret(secret: str) -> str:
    """The SHA-256 of a token's secret, as stored: a database leak cannot be used to read the API."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, name: str, lifetime: TokenLifetime, now: datetime) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its secret, which is never stored and shown once."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, token_hash=hash_secret(secret), prefix=secret[:SHOWN_CHARACTERS],
        created_at=now, expires_at=lifetime.expiry_from(now),
    )
    db.session.add(token)
    record_activity(user, "api_token.created", user, f"{user.name} created an API token “{name}”")
    return token, secret


def revoke_token(token: ApiToken, actor: User, now: datetime) -> None:
    """Stop a token working, for good (revoking a revoked token changes nothing)."""
    if token.revoked_at is not None:
        return
    token.revoked_at = now
    user = db.session.get(User, token.user_id)
    record_activity(actor, "api_token.revoked", user, f"{actor.name} revoked the API token “{token.name}”")
    db.session.flush()


def tokens_of(user_id: int) -> Select:
    """A SELECT of a person's tokens, newest first (to paginate)."""
    return select(ApiToken).where(ApiToken.user_id == user_id).order_by(
        ApiToken.created_at.desc(), ApiToken.id.desc()
    )


def own_token(token_id: int, user_id: int) -> ApiToken | None:
    """One of the person's own tokens; None for anyone else's, so nobody learns it exists."""
    return db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id))


def token_for(secret: str) -> ApiToken | None:
    """The token with this secret, with its person, whatever its state (one query)."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    return db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)).options(joinedload(ApiToken.user))
    )


def note_use(token: ApiToken, now: datetime) -> bool:
    """Record that the token was used `now`, unless that was already recorded within the last
    minute; True when it wrote. The UPDATE repeats the condition, so two requests at once
    write once."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return False
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id)
        .where((ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at <= now - LAST_USED_EVERY))
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    return True
