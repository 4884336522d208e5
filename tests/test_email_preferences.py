"""Choosing how one hears about each kind of event by email: the defaults, saving every choice in
one go, refusing a missing or made-up choice in place, and the way there from the profile."""

from sqlalchemy import select

from tests.pages import activities, error_summary, inline_error, soup, text
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.notifications.models import Delivery, NotificationKind, NotificationPreference
from tracker.notifications.preferences import DEFAULT_DELIVERY, deliveries_of

PAGE = "/profile/notifications"


def checked(response) -> dict[str, str]:
    """{field name: the value of its checked radio} on the page."""
    return {radio["name"]: radio["value"] for radio in soup(response).select("input[type=radio][checked]")}


def every_kind(**chosen: Delivery) -> dict[str, str]:
    """The form's fields: the defaults, with the kinds named changed."""
    values = {kind.value: DEFAULT_DELIVERY[kind] for kind in NotificationKind} | chosen
    return {f"delivery_{kind}": delivery.value for kind, delivery in values.items()}


def stored(user) -> dict[NotificationKind, Delivery]:
    return dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.delivery)
        .where(NotificationPreference.user_id == user.id)).tuples().all())


def test_with_nothing_chosen_the_page_shows_each_kinds_default(expert_client):
    response = expert_client.get(PAGE)

    assert response.status_code == 200
    assert checked(response) == every_kind()
    assert checked(response)["delivery_request"] == "immediate"
    assert checked(response)["delivery_stage"] == "daily"
    legends = [text(legend) for legend in soup(response).select("legend")]
    assert legends == [kind.label for kind in NotificationKind]
    hint = text(soup(response).select_one("#delivery_milestone-hint"))
    assert hint.endswith("If you do not choose: by email at once.")
    assert "Email is not set up for this tracker yet" in text(soup(response))


def test_every_choice_is_saved_in_one_go_and_shown(expert_client):
    form = every_kind(request=Delivery.WEEKLY, stage=Delivery.NEVER, board=Delivery.IMMEDIATE)

    response = expert_client.post(PAGE, data=form)

    assert response.status_code == 302 and response.location == PAGE
    user = expert_client.user
    assert stored(user) == {kind: Delivery(form[f"delivery_{kind.value}"]) for kind in NotificationKind}
    assert deliveries_of(user.id)[NotificationKind.REQUEST] is Delivery.WEEKLY
    page = expert_client.get(PAGE)
    assert checked(page) == form
    assert "Your email choices have been saved" in text(soup(page))
    [entry] = activities("user.email_choices_changed")
    assert entry.changes == {"request": ["immediate", "weekly"], "stage": ["daily", "never"],
                             "board": ["daily", "immediate"]}


def test_saving_again_changes_a_stored_choice_and_leaves_one_person_alone(client_as):
    first, second = client_as(Role.STAFF), client_as(Role.STAFF)
    first.post(PAGE, data=every_kind(stage=Delivery.WEEKLY))
    first.post(PAGE, data=every_kind(stage=Delivery.NEVER))

    assert deliveries_of(first.user.id)[NotificationKind.STAGE] is Delivery.NEVER
    assert stored(second.user) == {}
    assert len(activities("user.email_choices_changed")) == 2


def test_saving_the_same_choices_records_nothing_new(staff_client):
    staff_client.post(PAGE, data=every_kind())

    page = staff_client.get(PAGE)

    assert "Your email choices have not changed" in text(soup(page))
    assert activities("user.email_choices_changed") == []


def test_a_missing_or_made_up_choice_is_refused_in_place_and_nothing_is_saved(staff_client):
    form = every_kind(stage=Delivery.NEVER)
    del form["delivery_board"]
    form["delivery_milestone"] = "hourly"

    response = staff_client.post(PAGE, data=form)

    assert response.status_code == 200
    assert error_summary(response) == [
        ("Choose how you hear about “board decisions on proposals you follow”", "#delivery_board"),
        ("Choose how you hear about “reminders about milestones you own”", "#delivery_milestone"),
    ]
    assert inline_error(response, "delivery_board") == "Choose how you hear about “board decisions on proposals you follow”"
    assert checked(response)["delivery_stage"] == "never"  # what was typed stays
    assert stored(staff_client.user) == {}


def test_the_profile_links_to_the_choices(board_client):
    profile = board_client.get("/profile/")

    link = soup(profile).select_one(f'a[href="{PAGE}"]')
    assert link is not None and text(link) == "Choose your email notifications"
    assert soup(profile).select_one("h2#email-notifications").find_next("h2")["id"] == "calendar-feeds"
