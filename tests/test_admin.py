"""Administration: people (list, filters, roles, reactivation, invitations), organisations,
and the catalogue of sectors and themes."""

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, soup, summary_errors, table_column, text
from tracker.auth import services as auth_services
from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.organisations.models import Organisation, OrganisationType
from tracker.sectors import services as sector_services
from tracker.sectors.models import Sector, SectorKind


def error_messages(response) -> list[str]:
    """The inline error messages, without GOV.UK's visually hidden "Error:" prefix."""
    return [
        text(tag).removeprefix("Error:").strip()
        for tag in soup(response).select(".govuk-error-message")
    ]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# People: the list ------------------------------------------------------------


def test_people_are_listed_25_to_a_page(admin_client):
    """30 people (the admin and 29 more): 25 on page 1, the other 5 on page 2."""
    admin_client.user.name = "Aardvark Admin"
    db.session.commit()
    for n in range(1, 30):
        factories.make_user(Role.EXPERT, name=f"Person {n:02}")

    first = admin_client.get("/admin/users")
    second = admin_client.get("/admin/users?page=2")

    assert table_column(first) == ["Aardvark Admin"] + [f"Person {n:02}" for n in range(1, 25)]
    assert table_column(second) == [f"Person {n}" for n in range(25, 30)]
    assert "Showing 26 to 30 of 30" in second.get_data(as_text=True)


@pytest.mark.parametrize(
    "query,expected",
    [
        ("role=board", ["Bea Board"]),
        ("role=expert", ["Deactivated Dan", "Erin Expert"]),
        ("status=deactivated", ["Deactivated Dan"]),
        ("status=active&role=expert", ["Erin Expert"]),
        ("q=erin", ["Erin Expert"]),
        ("q=BOARD.MEMBER%40", ["Bea Board"]),  # email, case-insensitive
        ("q=member_", []),  # _ is a character to find, not a wildcard
        ("q=%25", []),
        ("role=nonsense", ["Admin Anne", "Bea Board", "Deactivated Dan", "Erin Expert"]),
    ],
)
def test_people_filters(client_as, query, expected):
    admin = client_as(Role.ADMIN, name="Admin Anne")
    factories.make_user(Role.BOARD, name="Bea Board", email="board.member@example.org")
    factories.make_user(Role.EXPERT, name="Erin Expert")
    factories.make_user(Role.EXPERT, name="Deactivated Dan", active=False)

    response = admin.get(f"/admin/users?{query}")

    assert table_column(response) == expected


def test_people_list_shows_status_and_organisation(admin_client):
    organisation = factories.make_organisation("Aston University", OrganisationType.UNIVERSITY)
    factories.make_user(Role.EXPERT, name="Invited Ivy", password=False, organisation=organisation)
    factories.make_user(Role.EXPERT, name="Gone Gary", active=False)

    response = admin_client.get("/admin/users")
    rows = dict(zip(table_column(response), table_column(response, 3), strict=True))

    assert rows["Invited Ivy Aston University"] == "Invited"
    assert rows["Gone Gary"] == "Deactivated"
    assert rows[admin_client.user.name] == "Active"


def test_unknown_person_is_404(admin_client):
    assert admin_client.get("/admin/users/99999").status_code == 404
    response = admin_client.post("/admin/users/99999/role", data={"role": "staff"})
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


# People: roles and access ----------------------------------------------------


def test_admin_changes_a_persons_role(admin_client):
    expert = factories.make_user(Role.EXPERT, name="Erin Expert")

    response = admin_client.post(
        f"/admin/users/{expert.id}/role", data={"role": "board"}, follow_redirects=True
    )

    assert "Erin Expert is now Board member" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, expert.id).role is Role.BOARD
    [entry] = activities("user.role_changed")
    assert entry.actor_id == admin_client.user.id
    assert entry.subject_id == expert.id
    assert entry.changes == {"role": ["expert", "board"]}


def test_role_change_to_an_unknown_role_is_refused(admin_client):
    expert = factories.make_user(Role.EXPERT)

    response = admin_client.post(f"/admin/users/{expert.id}/role", data={"role": "superuser"})

    assert response.status_code == 200
    assert summary_errors(response) == ["Not a valid choice."]
    db.session.expire_all()
    assert db.session.get(User, expert.id).role is Role.EXPERT
    assert activities("user.role_changed") == []


def test_admin_cannot_change_their_own_role(admin_client):
    me = admin_client.user

    response = admin_client.post(
        f"/admin/users/{me.id}/role", data={"role": "expert"}, follow_redirects=True
    )

    banner = soup(response).select_one(".govuk-notification-banner")
    assert text(banner) == "Important You cannot change your own role"
    assert summary_errors(response) == []
    db.session.expire_all()
    assert db.session.get(User, me.id).role is Role.ADMIN
    assert activities("user.role_changed") == []


def test_own_page_offers_no_role_or_deactivate_buttons(admin_client):
    page = admin_client.get(f"/admin/users/{admin_client.user.id}").get_data(as_text=True)
    assert "This is your own account" in page
    assert "Change role" not in page
    assert "Deactivate" not in page


def test_admin_cannot_deactivate_themselves(admin_client):
    me = admin_client.user

    response = admin_client.post(f"/admin/users/{me.id}/deactivate", follow_redirects=True)

    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, me.id).is_active_account
    assert activities("user.deactivated") == []


def test_admin_reactivates_a_person(admin_client):
    person = factories.make_user(Role.EXPERT, name="Gone Gary", active=False)
    page = admin_client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "Reactivate Gone Gary" in page

    response = admin_client.post(f"/admin/users/{person.id}/reactivate", follow_redirects=True)

    assert "Gone Gary can sign in again" in response.get_data(as_text=True)
    assert "Deactivate Gone Gary" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, person.id).is_active_account
    assert len(activities("user.reactivated")) == 1


def test_reactivating_an_active_person_records_nothing(app):
    """The service is idempotent: no audit entry for a change that did not happen."""
    admin = factories.make_user(Role.ADMIN)
    person = factories.make_user(Role.EXPERT)
    auth_services.reactivate(person, admin)
    db.session.commit()
    assert activities("user.reactivated") == []


def test_change_role_service_refuses_own_account():
    admin = factories.make_user(Role.ADMIN)
    with pytest.raises(auth_services.CannotChangeOwnAccount):
        auth_services.change_role(admin, Role.STAFF, admin)
    assert admin.role is Role.ADMIN


# People: invitations with bad input (the happy path is in test_auth) ---------------


@pytest.mark.parametrize(
    "email,message",
    [
        ("Taken@Example.ORG", "Someone already has an account with that email address"),
        ("  taken@example.org ", "Someone already has an account with that email address"),
        ("not-an-email", "Enter an email address in the correct format, like name@example.org"),
        ("", "Enter the person's email address"),
    ],
)
def test_invite_with_a_bad_or_taken_email_is_refused_in_place(admin_client, email, message):
    factories.make_user(Role.EXPERT, email="taken@example.org")
    people_before = count(User)

    response = admin_client.post(
        "/admin/users/invite", data={"name": "New Person", "email": email, "role": "expert"}
    )

    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert summary_errors(response) == [message]
    page = soup(response)
    assert page.find("input", {"name": "name"})["value"] == "New Person"
    assert page.find("input", {"name": "role", "value": "expert"}).has_attr("checked")
    db.session.expire_all()
    assert count(User) == people_before
    assert activities("user.created") == []


# Organisations ---------------------------------------------------------------------


def test_admin_adds_an_organisation(admin_client):
    form = soup(admin_client.get("/admin/organisations/new"))
    offered = [radio["value"] for radio in form.find_all("input", {"name": "type"})]
    assert offered == [t.value for t in OrganisationType]

    response = admin_client.post(
        "/admin/organisations/new",
        data={"name": "  University of Birmingham ", "type": "university"},
        follow_redirects=True,
    )

    assert "University of Birmingham has been added" in response.get_data(as_text=True)
    organisation = db.session.scalar(select(Organisation))
    assert organisation.name == "University of Birmingham"
    assert organisation.type is OrganisationType.UNIVERSITY
    assert [a.subject_id for a in activities("organisation.created")] == [organisation.id]


def test_admin_changes_an_organisation(admin_client):
    organisation = factories.make_organisation("Biochar Ltd", OrganisationType.BUSINESS)
    form = soup(admin_client.get(f"/admin/organisations/{organisation.id}/edit"))
    assert form.find("input", {"name": "name"})["value"] == "Biochar Ltd"
    assert form.find("input", {"name": "type", "value": "business"}).has_attr("checked")

    admin_client.post(
        f"/admin/organisations/{organisation.id}/edit",
        data={"name": "Biochar Solutions Ltd", "type": "rto"},
    )

    db.session.expire_all()
    organisation = db.session.get(Organisation, organisation.id)
    assert (organisation.name, organisation.type) == ("Biochar Solutions Ltd", OrganisationType.RTO)
    [entry] = activities("organisation.updated")
    assert entry.changes == {
        "name": ["Biochar Ltd", "Biochar Solutions Ltd"], "type": ["business", "rto"]
    }


def test_an_organisation_keeps_its_own_name_when_retyped(admin_client):
    """The duplicate-name check ignores the organisation being edited."""
    organisation = factories.make_organisation("NHS Trust", OrganisationType.BUSINESS)
    response = admin_client.post(
        f"/admin/organisations/{organisation.id}/edit", data={"name": "nhs trust", "type": "nhs_body"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).type is OrganisationType.NHS_BODY


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": "aston UNIVERSITY", "type": "university"}, "An organisation with that name already exists"),
        ({"name": "   ", "type": "business"}, "Enter the organisation's name"),
        ({"name": "New Co", "type": "charity-ish"}, "Not a valid choice."),
        ({"name": "New Co"}, "Select the type of organisation"),
        ({"name": "x" * 201, "type": "business"}, "Name must be 200 characters or fewer"),
    ],
)
def test_bad_organisations_are_refused_in_place(admin_client, data, message):
    factories.make_organisation("Aston University", OrganisationType.UNIVERSITY)

    response = admin_client.post("/admin/organisations/new", data=data)

    assert response.status_code == 200
    assert summary_errors(response) == [message]
    db.session.expire_all()
    assert count(Organisation) == 1
    assert activities("organisation.created") == []


def test_renaming_an_organisation_to_anothers_name_is_refused(admin_client):
    factories.make_organisation("Aston University")
    other = factories.make_organisation("Keele University")

    response = admin_client.post(
        f"/admin/organisations/{other.id}/edit", data={"name": "ASTON university", "type": "business"}
    )

    assert summary_errors(response) == ["An organisation with that name already exists"]
    db.session.expire_all()
    assert db.session.get(Organisation, other.id).name == "Keele University"


def test_unknown_organisation_is_404(admin_client):
    assert admin_client.get("/admin/organisations/99999/edit").status_code == 404
    response = admin_client.post(
        "/admin/organisations/99999/edit", data={"name": "X", "type": "business"}
    )
    assert response.status_code == 404
    assert count(Organisation) == 0


def test_organisations_filter_by_type(admin_client):
    factories.make_organisation("Aston University", OrganisationType.UNIVERSITY)
    factories.make_organisation("Biochar Ltd", OrganisationType.BUSINESS)
    factories.make_organisation("Keele University", OrganisationType.UNIVERSITY)

    every = admin_client.get("/admin/organisations")
    universities = admin_client.get("/admin/organisations?type=university")

    assert table_column(every) == ["Aston University", "Biochar Ltd", "Keele University"]
    assert table_column(universities) == ["Aston University", "Keele University"]
    assert soup(universities).find("option", {"value": "university"}).has_attr("selected")


# Sectors and themes ----------------------------------------------------------------


def test_admin_adds_a_theme(admin_client):
    response = admin_client.post(
        "/admin/sectors/new",
        data={"name": "Sustainability", "kind": "theme", "description": "Net zero by 2041"},
        follow_redirects=True,
    )

    assert "Sustainability has been added" in response.get_data(as_text=True)
    assert table_column(response) == ["Sustainability Net zero by 2041"]
    assert table_column(response, 1) == ["Cross-sector theme"]
    sector = db.session.scalar(select(Sector))
    assert (sector.kind, sector.is_retired) == (SectorKind.THEME, False)
    assert len(activities("sector.created")) == 1


def test_admin_renames_a_sector(admin_client):
    sector = factories.make_sector("Cleantech")

    admin_client.post(
        f"/admin/sectors/{sector.id}/edit", data={"name": "Clean tech", "kind": "sector"}
    )

    db.session.expire_all()
    assert db.session.get(Sector, sector.id).name == "Clean tech"
    [entry] = activities("sector.updated")
    assert entry.changes == {"name": ["Cleantech", "Clean tech"]}


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": "HEALTH TECH", "kind": "sector"}, "A sector or theme with that name already exists"),
        ({"name": "", "kind": "sector"}, "Enter the name of the sector or theme"),
        ({"name": "Skills"}, "Select whether this is a sector or a cross-sector theme"),
    ],
)
def test_bad_sectors_are_refused_in_place(admin_client, data, message):
    factories.make_sector("Health tech")

    response = admin_client.post("/admin/sectors/new", data=data)

    assert summary_errors(response) == [message]
    db.session.expire_all()
    assert count(Sector) == 1


def test_renaming_a_sector_to_anothers_name_is_refused(admin_client):
    factories.make_sector("Health tech")
    other = factories.make_sector("Medtech")

    response = admin_client.post(
        f"/admin/sectors/{other.id}/edit", data={"name": "health tech", "kind": "sector"}
    )

    assert summary_errors(response) == ["A sector or theme with that name already exists"]
    db.session.expire_all()
    assert db.session.get(Sector, other.id).name == "Medtech"


def test_retire_and_reinstate(admin_client):
    sector = factories.make_sector("Digital")

    retired = admin_client.post(f"/admin/sectors/{sector.id}/retire", follow_redirects=True)

    assert "Digital has been retired" in retired.get_data(as_text=True)
    assert table_column(retired, 2) == ["Retired"]
    # Nothing uses Digital, so it may also be deleted (tests/test_priorities_sector_delete.py).
    assert table_column(retired, 3) == ["Change Digital Reinstate Digital Delete Digital"]
    db.session.expire_all()
    assert db.session.get(Sector, sector.id).is_retired
    [entry] = activities("sector.retired")
    assert entry.changes == {"is_retired": [False, True]}
    assert entry.actor_id == admin_client.user.id

    reinstated = admin_client.post(f"/admin/sectors/{sector.id}/reinstate", follow_redirects=True)

    assert "Digital has been reinstated" in reinstated.get_data(as_text=True)
    assert table_column(reinstated, 2) == ["In use"]
    assert table_column(reinstated, 3) == ["Change Digital Retire Digital Delete Digital"]
    db.session.expire_all()
    assert not db.session.get(Sector, sector.id).is_retired
    assert len(activities("sector.reinstated")) == 1


def test_retiring_twice_records_once():
    admin = factories.make_user(Role.ADMIN)
    sector = factories.make_sector()
    sector_services.set_retired(sector, True, admin)
    sector_services.set_retired(sector, True, admin)
    db.session.commit()
    assert len(activities("sector.retired")) == 1


def test_sectors_filter_by_kind_and_list_retired_last(admin_client):
    factories.make_sector("Clean tech", retired=True)
    factories.make_sector("Digital")
    factories.make_sector("Skills", kind=SectorKind.THEME)

    every = admin_client.get("/admin/sectors")
    themes = admin_client.get("/admin/sectors?kind=theme")

    assert table_column(every) == ["Digital", "Skills", "Clean tech"]
    assert table_column(themes) == ["Skills"]


@pytest.mark.parametrize(
    "method,path,status",
    [
        ("DELETE", "/admin/sectors/{id}", 404),
        ("DELETE", "/admin/sectors/{id}/delete", 405),
        ("DELETE", "/admin/sectors/{id}/edit", 405),
        ("DELETE", "/admin/sectors/{id}/retire", 405),
    ],
)
def test_sectors_cannot_be_deleted(admin_client, method, path, status):
    """No HTTP DELETE removes a sector: only POST .../delete does, and only when nothing uses it
    (tests/test_priorities_sector_delete.py)."""
    sector = factories.make_sector("Digital")

    response = admin_client.open(path.format(id=sector.id), method=method)

    assert response.status_code == status
    db.session.expire_all()
    assert db.session.get(Sector, sector.id) is not None


def test_unknown_sector_is_404(admin_client):
    assert admin_client.get("/admin/sectors/99999/edit").status_code == 404
    assert admin_client.post("/admin/sectors/99999/retire").status_code == 404
