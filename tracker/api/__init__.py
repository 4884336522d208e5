"""The read-only JSON API at /api/v1, authenticated by personal API tokens."""

# The largest id a database column holds (a signed 64-bit integer): larger ones name nothing.
MAX_ID = 2**63 - 1
