"""Milestones: dated, owned steps of a programme or proposal, their dependencies, RAG and forecasts."""
