"""The read-only JSON API at /api/v1, authenticated by personal API tokens."""

# The largest id a database column holds: larger ones name nothing.
from tracker.database import MAX_ID  # noqa: F401  (the API's bound on ids, in its document too)
