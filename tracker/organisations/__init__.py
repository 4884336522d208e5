"""Organisations: leads and partners of proposals, employers of people."""
