"""Co-creation: stakeholder contributions, responses and requests for input."""
