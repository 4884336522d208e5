"""Sections: the parts of a proposal's text, each with its revisions."""
