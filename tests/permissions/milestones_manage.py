"""Who may add, change, delete and read milestones, and reach /me/milestones. The milestone in
the URLs is on the shared DRAFT proposal, owned by a member of staff: experts may not see it
(the draft is not open to them); staff change milestones at any stage."""

from tests import factories
from tests.permissions import READ_ONLY_PAGE, SIGNED_IN_PAGE, STAFF_PAGE, row

# Staff and admins posting none of the form's fields get the form again with its errors (400).
STAFF_FORM = row(302, 400, 400, 403, 403)

ROWS = {
    ("milestones.new_for_proposal", "GET"): STAFF_PAGE,
    ("milestones.new_for_proposal", "POST"): STAFF_FORM,
    ("milestones.new_for_programme", "GET"): STAFF_PAGE,
    ("milestones.new_for_programme", "POST"): STAFF_FORM,
    ("milestones.view", "GET"): READ_ONLY_PAGE,
    ("milestones.edit", "GET"): STAFF_PAGE,
    ("milestones.edit", "POST"): STAFF_FORM,
    # Not confirmed: staff are asked whether they are sure (the milestone page, 200).
    ("milestones.delete", "POST"): row(302, 200, 200, 403, 403),
    ("milestones.mine", "GET"): SIGNED_IN_PAGE,
}


def add_objects(objects):
    objects["milestone_id"] = factories.make_milestone(objects["proposal"], title="Board sign-off").id
