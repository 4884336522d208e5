"""Who may reach the read-only API and the profile's API token pages.

The permission test makes plain requests with the session cookie, and the API answers only to
a personal API token: so every API route is 401 for everyone, which proves the session never
authenticates it (per role and per token state: tests/test_api_auth.py). The OpenAPI document is
public. The token pages act only on one's own tokens: someone else's is 404."""

from datetime import UTC, datetime

from tests import factories
from tests.permissions import PUBLIC_PAGE, SIGNED_IN_PAGE, row
from tracker.api.tokens import TokenLifetime, create_token
from tracker.auth.models import Role
from tracker.extensions import db

TOKEN_NEEDED = row(401, 401, 401, 401, 401)
NOT_THEIRS = row(302, 404, 404, 404, 404)

ROWS = {
    ("api.openapi", "GET"): PUBLIC_PAGE,
    ("api.programmes", "GET"): TOKEN_NEEDED,
    ("api.programme", "GET"): TOKEN_NEEDED,
    ("api.programme_milestones", "GET"): TOKEN_NEEDED,
    ("api.proposals", "GET"): TOKEN_NEEDED,
    ("api.proposal", "GET"): TOKEN_NEEDED,
    ("api.proposal_sections", "GET"): TOKEN_NEEDED,
    ("api.proposal_contributions", "GET"): TOKEN_NEEDED,
    ("api.proposal_priorities", "GET"): TOKEN_NEEDED,
    ("api.proposal_milestones", "GET"): TOKEN_NEEDED,
    ("api.proposal_activity", "GET"): TOKEN_NEEDED,
    ("profile.api_tokens", "GET"): SIGNED_IN_PAGE,
    ("profile.api_tokens", "POST"): SIGNED_IN_PAGE,  # no name given: the form says so
    ("profile.revoke_api_token", "POST"): NOT_THEIRS,
}


def add_objects(objects):
    """Someone else's token, for the revoke button."""
    token, _ = create_token(factories.make_user(Role.STAFF), "Theirs", TokenLifetime.DAYS_30,
                            datetime.now(UTC))
    db.session.commit()
    objects["token_id"] = token.id
