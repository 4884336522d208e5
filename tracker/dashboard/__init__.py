"""The board dashboard per programme, proposal readiness, and the board pack."""
