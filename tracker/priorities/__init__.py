"""Sector priorities: the sectors and themes a proposal serves, ranked, with their shares."""
