"""Programmes: funding calls that proposals are made to."""
