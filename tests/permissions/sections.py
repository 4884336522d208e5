"""Who may reach a proposal's sections (the proposal in the URL is a draft)."""

from tests.permissions import READ_ONLY_PAGE

ROWS = {
    ("sections.view", "GET"): READ_ONLY_PAGE,
}


def add_objects(objects):
    objects["key"] = "risks"
