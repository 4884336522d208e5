"""Who may answer a contribution. The contribution in the URL is another expert's unanswered
input on a proposal in co-creation (made by tests/permissions/contributions.py): staff and
admins get past every check and have their empty form refused in place (400); board members
are refused (403); another expert cannot tell the input exists (404)."""

from tests.permissions import row

ROWS = {
    ("contributions.respond", "POST"): row(302, 400, 400, 404, 403),
}
