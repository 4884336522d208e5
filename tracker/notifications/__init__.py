"""Following proposals and in-tracker notifications."""
