"""Innovate UK's assessment as staff record it; clarifications; the outcome; the submitted text."""
