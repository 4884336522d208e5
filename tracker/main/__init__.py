"""The home page for each role, the accessibility statement and the health check."""
