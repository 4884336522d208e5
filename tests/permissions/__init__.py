"""The permission table, one module per domain: each defines ROWS, a dict of
(endpoint, method) -> {kind of person: expected status}, and may define
`add_objects(objects)` to add the ids its URLs need to the shared `objects` dict.
tests/test_permissions.py merges every module here into one table."""

from tests.conftest import ROLES

V, A, S, E, B = ROLES  # visitor, admin, staff, expert, board


def row(visitor, admin, staff, expert, board):
    return {V: visitor, A: admin, S: staff, E: expert, B: board}


SIGNED_IN_PAGE = row(302, 200, 200, 200, 200)
STAFF_PAGE = row(302, 200, 200, 403, 403)
ADMIN_PAGE = row(302, 200, 403, 403, 403)
READ_ONLY_PAGE = row(302, 200, 200, 403, 200)  # staff and board, not experts (per object)
PUBLIC_PAGE = row(200, 200, 200, 200, 200)
