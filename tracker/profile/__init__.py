"""A person's own profile: their name and password, and an expert's sectors and themes."""
