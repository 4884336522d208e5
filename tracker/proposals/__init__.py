"""Proposals: bids within a programme, from draft to Innovate UK's decision."""
