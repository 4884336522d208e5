"""A person's own profile: seeing it, changing their name and changing their password."""

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import sign_in
from tests.pages import (
    activities,
    error_summary,
    inline_error,
    input_value,
    is_signed_in,
    soup,
    summary_list,
    text,
)
from tracker.activity.models import Activity
from tracker.auth.models import Role
from tracker.contributions.models import expert_sector
from tracker.extensions import db

NEW_PASSWORD = "violet tractor lemon"
CSRF_FAILED = "This form had expired or was sent from elsewhere, so nothing was saved."


def renames_of(user) -> list[Activity]:
    return list(
        db.session.scalars(
            select(Activity).where(Activity.verb == "user.renamed", Activity.subject_id == user.id)
        )
    )


# The profile and the name --------------------------------------------------


@pytest.mark.parametrize(
    "role,label",
    [
        (Role.ADMIN, "Administrator"),
        (Role.STAFF, "Programme staff"),
        (Role.EXPERT, "Sector expert"),
        (Role.BOARD, "Board member"),
    ],
)
def test_profile_shows_email_role_and_name(client_as, role, label):
    client = client_as(role, email="ada.lovelace@example.org", name="Ada Lovelace")

    response = client.get("/profile/")

    assert response.status_code == 200
    details = summary_list(response)
    assert details["Email address"] == "ada.lovelace@example.org"
    assert details["Role"] == label
    assert input_value(response, "name") == "Ada Lovelace"


def test_changing_the_name_saves_it_and_records_activity(expert_client):
    user = expert_client.user
    old_name = user.name

    response = expert_client.post("/profile/", data={"name": "  Ada King  "})

    assert response.status_code == 302
    assert response.location == "/profile/"
    shown = expert_client.get(response.location)
    assert "Your name has been saved" in text(soup(shown))
    assert text(soup(shown).select_one(".tracker-account a")) == "Ada King"
    db.session.refresh(user)
    assert user.name == "Ada King"
    [entry] = renames_of(user)
    assert entry.actor_id == user.id
    assert entry.subject_type == "user"
    assert entry.changes == {"name": [old_name, "Ada King"]}


def test_saving_the_same_name_records_nothing(expert_client):
    user = expert_client.user

    response = expert_client.post("/profile/", data={"name": user.name})

    assert response.status_code == 302
    assert renames_of(user) == []


def test_a_name_of_120_characters_is_accepted(expert_client):
    user = expert_client.user

    expert_client.post("/profile/", data={"name": "A" * 120})

    db.session.refresh(user)
    assert user.name == "A" * 120


@pytest.mark.parametrize(
    "name,message",
    [
        ("", "Enter your full name"),
        ("   ", "Enter your full name"),
        ("A" * 121, "Full name must be 120 characters or fewer"),
    ],
)
def test_a_missing_or_long_name_is_refused_in_place(expert_client, name, message):
    user = expert_client.user
    old_name = user.name

    response = expert_client.post("/profile/", data={"name": name})

    assert response.status_code == 200
    assert soup(response).title.get_text().startswith("Error: Your profile")
    assert error_summary(response) == [(message, "#name")]
    assert inline_error(response, "name") == message
    assert input_value(response, "name") == name.strip()
    db.session.refresh(user)
    assert user.name == old_name
    assert renames_of(user) == []


def test_changing_the_name_without_a_csrf_token_changes_nothing(expert_client, csrf_on):
    user = expert_client.user
    old_name = user.name

    response = expert_client.post("/profile/", data={"name": "Ada King"})

    assert response.status_code == 400
    assert input_value(response, "name") == "Ada King"
    [(message, href)] = error_summary(response)
    assert message.startswith(CSRF_FAILED) and href == "#name"
    db.session.refresh(user)
    assert user.name == old_name
    assert renames_of(user) == []


def test_changing_the_name_with_the_pages_csrf_token_works(expert_client, csrf_on):
    user = expert_client.user
    form = soup(expert_client.get("/profile/")).select_one("form:has(input#name)")
    token = form.select_one('input[name="csrf_token"]')["value"]

    response = expert_client.post("/profile/", data={"name": "Ada King", "csrf_token": token})

    assert response.status_code == 302
    db.session.refresh(user)
    assert user.name == "Ada King"


# The password --------------------------------------------------------------


def test_password_page_shows_the_form(expert_client):
    response = expert_client.get("/profile/password")

    assert response.status_code == 200
    for field in ("current_password", "new_password", "confirm_password"):
        assert soup(response).select_one(f"input#{field}[type=password]")


def test_a_wrong_current_password_is_refused_in_place(expert_client):
    user = expert_client.user
    old_hash, old_token = user.password_hash, user.session_token

    response = expert_client.post(
        "/profile/password",
        data={"current_password": "not my password", "new_password": NEW_PASSWORD,
              "confirm_password": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert error_summary(response) == [
        ("Your current password is not correct", "#current_password")
    ]
    assert inline_error(response, "current_password") == "Your current password is not correct"
    db.session.refresh(user)
    assert (user.password_hash, user.session_token) == (old_hash, old_token)


def test_password_errors_are_listed_in_the_order_of_the_page(expert_client):
    response = expert_client.post("/profile/password", data={})

    assert error_summary(response) == [
        ("Enter your current password", "#current_password"),
        ("Enter a new password", "#new_password"),
        ("Enter the new password again", "#confirm_password"),
    ]


@pytest.mark.parametrize(
    "current,new,confirm,field,message",
    [
        ("", NEW_PASSWORD, NEW_PASSWORD, "current_password", "Enter your current password"),
        (factories.PASSWORD, "violet tra1", "violet tra1", "new_password",
         "Password must be 12 characters or more"),
        (factories.PASSWORD, "password1234", "password1234", "new_password",
         "Password is too common"),
        (factories.PASSWORD, "ada.lovelace@example.org", "ada.lovelace@example.org",
         "new_password", "Password must not be your email address"),
        (factories.PASSWORD, NEW_PASSWORD, "violet tractor lemons", "confirm_password",
         "The passwords do not match"),
    ],
)
def test_a_new_password_must_follow_the_rule(client_as, current, new, confirm, field, message):
    client = client_as(Role.EXPERT, email="ada.lovelace@example.org")
    user = client.user
    old_hash = user.password_hash

    response = client.post(
        "/profile/password",
        data={"current_password": current, "new_password": new, "confirm_password": confirm},
    )

    assert response.status_code == 200
    [(summary_message, href)] = error_summary(response)
    assert summary_message.startswith(message) and href == f"#{field}"
    assert inline_error(response, field).startswith(message)
    db.session.refresh(user)
    assert user.password_hash == old_hash


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, expert_client):
    user = expert_client.user
    elsewhere = app.test_client()
    sign_in(elsewhere, user)
    assert is_signed_in(elsewhere)

    response = expert_client.post(
        "/profile/password",
        data={"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD,
              "confirm_password": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.location == "/profile/"
    assert "Other devices have been signed out" in text(soup(expert_client.get("/profile/")))
    assert is_signed_in(expert_client)
    assert not is_signed_in(elsewhere)
    db.session.refresh(user)
    assert user.password_hash.startswith("scrypt:131072:8:1$")
    assert user.check_password(NEW_PASSWORD)
    verbs = db.session.scalars(select(Activity.verb).where(Activity.subject_id == user.id))
    assert list(verbs) == ["user.password_changed"]


def test_changing_the_password_without_a_csrf_token_changes_nothing(expert_client, csrf_on):
    user = expert_client.user
    old_hash = user.password_hash

    response = expert_client.post(
        "/profile/password",
        data={"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD,
              "confirm_password": NEW_PASSWORD},
    )

    assert response.status_code == 400
    [(message, href)] = error_summary(response)
    assert message.startswith(CSRF_FAILED) and href == "#current_password"
    db.session.refresh(user)
    assert user.password_hash == old_hash
    assert is_signed_in(expert_client)


# An expert's sectors and themes --------------------------------------------


def sectors_of(user) -> set[int]:
    return set(db.session.scalars(
        select(expert_sector.c.sector_id).where(expert_sector.c.user_id == user.id)
    ))


def test_an_expert_chooses_the_sectors_and_themes_they_work_in(expert_client):
    clean_tech, skills = factories.make_sector("Clean tech"), factories.make_sector("Skills")
    factories.make_sector("Retired sector", retired=True)
    page = expert_client.get("/profile/")
    offered = [text(label) for label in soup(page).select("form[action='/profile/sectors'] label")]
    assert offered == ["Clean tech", "Skills"]

    response = expert_client.post("/profile/sectors", data={"sector_ids": [str(clean_tech.id), str(skills.id)]})

    assert response.status_code == 302 and response.location == "/profile/"
    assert sectors_of(expert_client.user) == {clean_tech.id, skills.id}
    [entry] = activities("user.sectors_changed")
    assert entry.subject_id == expert_client.user.id and entry.actor_id == expert_client.user.id
    assert entry.changes == {"sectors": [[], ["Clean tech", "Skills"]]}
    shown = expert_client.get(response.location)
    assert "Your sectors and themes have been saved" in text(soup(shown))
    checked = {box["value"] for box in soup(shown).select("input[name=sector_ids][checked]")}
    assert checked == {str(clean_tech.id), str(skills.id)}

    expert_client.post("/profile/sectors", data={"sector_ids": [str(skills.id)]})
    assert sectors_of(expert_client.user) == {skills.id}
    expert_client.post("/profile/sectors", data={})
    assert sectors_of(expert_client.user) == set()
    assert len(activities("user.sectors_changed")) == 3


def test_saving_the_same_sectors_records_nothing_and_retired_ones_are_kept(expert_client):
    kept, retired = factories.make_sector("Clean tech"), factories.make_sector("Old theme")
    expert_client.post("/profile/sectors", data={"sector_ids": [str(kept.id), str(retired.id)]})
    retired.is_retired = True
    db.session.commit()
    before = len(activities("user.sectors_changed"))

    expert_client.post("/profile/sectors", data={"sector_ids": [str(kept.id)]})

    assert sectors_of(expert_client.user) == {kept.id, retired.id}
    assert len(activities("user.sectors_changed")) == before


@pytest.mark.parametrize("value", ["99999", "x"])
def test_a_sector_not_offered_is_refused_in_place(expert_client, value):
    sector = factories.make_sector("Clean tech")
    response = expert_client.post("/profile/sectors", data={"sector_ids": [str(sector.id), value]})
    assert response.status_code == 200
    assert inline_error(response, "sector_ids") == "Select sectors and themes from the list"
    assert error_summary(response) == [("Select sectors and themes from the list", "#sector_ids")]
    assert input_value(response, "name") == expert_client.user.name
    assert sectors_of(expert_client.user) == set()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.STAFF, Role.BOARD])
def test_only_experts_have_sectors_on_their_profile(client_as, role):
    client = client_as(role)
    sector = factories.make_sector("Clean tech")
    assert soup(client.get("/profile/")).select("input[name=sector_ids]") == []
    assert client.post("/profile/sectors", data={"sector_ids": [str(sector.id)]}).status_code == 403
    assert sectors_of(client.user) == set()
