"""The administrator's pages: people, organisations, and the sector catalogue."""
