"""Who may reach the milestone files: the calendar feed is public but answers only to a valid
token (a made-up one is 404 for everyone); the CSV exports name owners by email, so staff,
admins and the board (as for the co-creation report); the import is staff's. The profile's
calendar feed buttons act only on one's own feeds: anyone else's is 404."""

from tests import factories
from tests.permissions import READ_ONLY_PAGE, SIGNED_IN_PAGE, STAFF_PAGE, row
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.milestones.models import CalendarFeed

NOT_THEIRS = row(302, 404, 404, 404, 404)

ROWS = {
    ("milestones.calendar", "GET"): row(404, 404, 404, 404, 404),
    ("milestones.proposal_csv", "GET"): READ_ONLY_PAGE,
    ("milestones.programme_csv", "GET"): READ_ONLY_PAGE,
    ("milestones.import_csv", "GET"): STAFF_PAGE,
    ("milestones.import_csv", "POST"): STAFF_PAGE,  # no file sent: the form says so
    ("profile.create_calendar_feed", "POST"): SIGNED_IN_PAGE,  # nothing chosen: the form says so
    ("profile.reset_calendar_feed", "POST"): NOT_THEIRS,
    ("profile.remove_calendar_feed", "POST"): NOT_THEIRS,
}


def add_objects(objects):
    """A calendar feed of someone else's, for the reset and remove buttons."""
    feed, _ = CalendarFeed.with_new_token(factories.make_user(Role.STAFF).id)
    db.session.add(feed)
    db.session.commit()
    objects["feed_id"] = feed.id
