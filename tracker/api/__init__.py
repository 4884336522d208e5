"""The read-only JSON API at /api/v1, authenticated by personal API tokens."""
