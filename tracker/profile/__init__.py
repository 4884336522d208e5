"""A person's own profile: their name and password."""
