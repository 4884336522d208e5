"""Signing in and out, invitations, and who may reach which route."""
