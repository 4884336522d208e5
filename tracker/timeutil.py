"""Time helpers: every stored time is UTC."""

from datetime import datetime, UTC


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware."""
    return datetime.now(UTC)
