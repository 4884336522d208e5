"""Time helpers: every stored time is UTC."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware."""
    return datetime.now(timezone.utc)
