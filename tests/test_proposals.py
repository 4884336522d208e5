"""Proposals: create, list and filter, show, validate, edit with optimistic locking, who may see
what, and the audit entry written with every change."""

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tests import factories
from tests.pages import activities, error_summary, soup, summary_errors, summary_list, text
from tracker.auth.models import Role
from tracker.concurrency import EditConflict
from tracker.extensions import db
from tracker.organisations.models import OrganisationType
from tracker.proposals import services
from tracker.proposals.models import Proposal, ProposalStage


def listed_titles(response) -> list[str]:
    return [text(row.find("a")) for row in soup(response).select("table.govuk-table tbody tr")]


def proposal_count() -> int:
    return db.session.scalar(select(func.count(Proposal.id)))


@pytest.fixture
def world(staff_client):
    """A programme, three organisations and a second member of staff, for the form."""
    return {
        "programme": factories.make_programme("West Midlands Innovation Accelerator"),
        "lead": factories.make_organisation("Health Innovation West Midlands", OrganisationType.NHS_BODY),
        "partner": factories.make_organisation("Aston University", OrganisationType.UNIVERSITY),
        "other": factories.make_organisation("Biochar Ltd", OrganisationType.BUSINESS),
        "owner": factories.make_user(Role.STAFF, name="Olu Owner"),
    }


def form_data(world, **overrides) -> dict:
    """A valid proposal form post; `overrides` replace fields (None removes one)."""
    data = {
        "programme_id": str(world["programme"].id),
        "title": "Health tech accelerator",
        "lead_organisation_id": str(world["lead"].id),
        "partner_ids": [str(world["partner"].id), str(world["other"].id)],
        "owner_id": str(world["owner"].id),
        "funding_ask": "£14,500,000",
        "summary": "A regional **health tech** accelerator.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# Creating -------------------------------------------------------------------------


def test_staff_create_a_draft_proposal(staff_client, world):
    response = staff_client.post("/proposals/new", data=form_data(world), follow_redirects=True)

    assert "Health tech accelerator has been created as a draft" in response.get_data(as_text=True)
    proposal = db.session.scalar(select(Proposal))
    assert proposal.stage is ProposalStage.DRAFT
    assert proposal.funding_ask == 14_500_000
    details = summary_list(response)
    assert details == {
        "Programme": "West Midlands Innovation Accelerator",
        "Stage": "Draft",
        "Lead organisation": "Health Innovation West Midlands (NHS body)",
        "Partner organisations": "Aston University (University) Biochar Ltd (Business)",
        "Owner": "Olu Owner",
        "Funding ask": "£14,500,000",
        "Input closes": "Not set",
        "In this stage since": details["In this stage since"],
        "Last changed": details["Last changed"],
    }
    assert soup(response).select_one(".tracker-prose strong").get_text() == "health tech"
    [entry] = activities("proposal.created")
    assert (entry.subject_id, entry.proposal_id, entry.actor_id) == (
        proposal.id, proposal.id, staff_client.user.id
    )


def test_new_form_preselects_the_programme_and_the_person_as_owner(staff_client, world):
    page = soup(staff_client.get(f"/proposals/new?programme={world['programme'].id}"))
    assert page.find("select", {"name": "programme_id"}).find("option", selected=True)["value"] == str(
        world["programme"].id
    )
    assert page.find("select", {"name": "owner_id"}).find("option", selected=True)["value"] == str(
        staff_client.user.id
    )


def test_create_writes_the_proposal_and_its_activity_in_one_transaction(world):
    """Rolling back the request's transaction leaves neither the proposal nor its audit row."""
    actor = factories.make_user(Role.STAFF)
    services.create_proposal(
        {
            "programme_id": world["programme"].id, "title": "T", "owner_id": actor.id,
            "lead_organisation_id": world["lead"].id, "partner_ids": [world["partner"].id],
            "funding_ask": 1, "summary": "",
        },
        actor,
    )
    assert proposal_count() == 1 and len(activities("proposal.created")) == 1
    db.session.rollback()
    assert proposal_count() == 0
    assert activities("proposal.created") == []


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"programme_id": ""}, "Select the programme this proposal is for"),
        ({"programme_id": None}, "Select the programme this proposal is for"),
        ({"programme_id": "99999"}, "Select the programme this proposal is for"),
        ({"programme_id": "abc"}, "Select the programme this proposal is for"),
        ({"title": "   "}, "Enter the proposal's title"),
        ({"lead_organisation_id": ""}, "Select the lead organisation"),
        ({"lead_organisation_id": "99999"}, "Select the lead organisation"),
        ({"owner_id": ""}, "Select the member of staff who owns this proposal"),
        ({"owner_id": "99999"}, "Select the member of staff who owns this proposal"),
        ({"partner_ids": ["99999"]}, "'99999' is not a valid choice for this field."),
        ({"funding_ask": ""}, "Enter the funding ask in pounds"),
        ({"funding_ask": "lots"}, "Funding ask must be a whole number of pounds, like 1,500,000"),
        ({"funding_ask": "-5"}, "Funding ask cannot be negative"),
        ({"funding_ask": "12.50"}, "Funding ask must be a whole number of pounds, like 1,500,000"),
        ({"summary": "x" * 10_001}, "Summary must be 10,000 characters or fewer"),
    ],
)
def test_invalid_proposals_are_refused_in_place(staff_client, world, overrides, message):
    response = staff_client.post("/proposals/new", data=form_data(world, **overrides))

    assert response.status_code == 200
    assert summary_errors(response) == [message]
    assert soup(response).find("input", {"name": "title"})["value"] == overrides.get(
        "title", "Health tech accelerator"
    ).strip()
    assert proposal_count() == 0
    assert activities("proposal.created") == []


@pytest.mark.parametrize("owner", [{"role": Role.EXPERT}, {"role": Role.BOARD}, {"active": False}])
def test_only_active_staff_can_own_a_proposal(staff_client, world, owner):
    """An expert, a board member or a deactivated person (perhaps since the page loaded)."""
    person = factories.make_user(**owner)
    response = staff_client.post("/proposals/new", data=form_data(world, owner_id=str(person.id)))
    assert summary_errors(response) == ["Select the member of staff who owns this proposal"]
    assert proposal_count() == 0


def test_the_lead_cannot_also_be_a_partner(staff_client, world):
    response = staff_client.post(
        "/proposals/new",
        data=form_data(world, partner_ids=[str(world["lead"].id), str(world["partner"].id)]),
    )

    assert error_summary(response) == [
        ("The lead organisation cannot also be a partner: untick it under partners", "#partner_ids")
    ]
    assert proposal_count() == 0


# Showing ----------------------------------------------------------------------------


def test_the_summary_is_rendered_as_sanitised_markdown(staff_client):
    proposal = factories.make_proposal(
        summary=(
            "## Need\n\nSee [the plan](https://example.org/plan).\n\n"
            "<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n<img src=x onerror=alert(1)>"
        )
    )

    response = staff_client.get(f"/proposals/{proposal.id}")

    prose = soup(response).select_one(".tracker-prose")
    assert text(prose.h2) == "Need"
    assert prose.find("a", href="https://example.org/plan") is not None
    page = soup(response)
    # The only scripts are the page's own (CheckedClient has checked each carries the nonce).
    assert all(script.get("src") or "alert" not in script.get_text() for script in page.find_all("script"))
    assert page.find_all("img") == []
    assert [tag.name for tag in page.find_all(lambda t: any(a.startswith("on") for a in t.attrs))] == []
    assert [a["href"] for a in page.find_all("a", href=lambda h: "javascript" in h.lower())] == []
    # What was typed still shows, as inert text.
    assert "<script>alert(1)</script>" in prose.get_text()
    assert "<img src=x onerror=alert(1)>" in prose.get_text()


def test_detail_shows_no_partners_yet(staff_client):
    proposal = factories.make_proposal()
    assert summary_list(staff_client.get(f"/proposals/{proposal.id}"))["Partner organisations"] == "None yet"


def test_unknown_proposal_is_404(staff_client):
    assert staff_client.get("/proposals/99999").status_code == 404
    assert staff_client.get("/proposals/99999/edit").status_code == 404
    assert staff_client.post("/proposals/99999/edit", data={"title": "x"}).status_code == 404


# Who may see and edit ------------------------------------------------------------------


def test_an_expert_guessing_a_drafts_id_is_refused(expert_client):
    draft = factories.make_proposal(title="Secret draft")
    response = expert_client.get(f"/proposals/{draft.id}")
    assert response.status_code == 403
    assert "Secret draft" not in response.get_data(as_text=True)


def test_an_expert_sees_a_proposal_in_co_creation_without_an_edit_button(expert_client):
    proposal = factories.make_proposal(title="Open bid", stage=ProposalStage.CO_CREATION)
    response = expert_client.get(f"/proposals/{proposal.id}")
    assert response.status_code == 200
    assert soup(response).h1.get_text(strip=True) == "Open bid"
    assert "Change proposal" not in response.get_data(as_text=True)


@pytest.mark.parametrize("stage", [s for s in ProposalStage if s is not ProposalStage.CO_CREATION])
def test_experts_see_only_co_creation(stage):
    expert = factories.make_user(Role.EXPERT)
    assert not factories.make_proposal(stage=stage).can_view(expert)
    assert factories.make_proposal(stage=ProposalStage.CO_CREATION).can_view(expert)


def test_the_experts_list_shows_only_co_creation(expert_client):
    factories.make_proposal(title="Draft bid")
    factories.make_proposal(title="Open bid", stage=ProposalStage.CO_CREATION)
    factories.make_proposal(title="Board bid", stage=ProposalStage.BOARD_REVIEW)

    response = expert_client.get("/proposals/")

    assert listed_titles(response) == ["Open bid"]
    # Filters narrow what an expert may see; they never widen it.
    assert listed_titles(expert_client.get("/proposals/?stage=draft")) == []


def test_the_board_sees_everything_but_cannot_edit(board_client, world):
    draft = factories.make_proposal(title="Draft bid")
    factories.make_proposal(title="Open bid", stage=ProposalStage.CO_CREATION)

    assert sorted(listed_titles(board_client.get("/proposals/"))) == ["Draft bid", "Open bid"]
    detail = board_client.get(f"/proposals/{draft.id}")
    assert detail.status_code == 200
    assert "Change proposal" not in detail.get_data(as_text=True)
    assert f"/proposals/{draft.id}/edit" not in detail.get_data(as_text=True)
    assert "Create a proposal" not in board_client.get("/proposals/").get_data(as_text=True)
    assert board_client.get(f"/proposals/{draft.id}/edit").status_code == 403
    refused = board_client.post(
        f"/proposals/{draft.id}/edit", data=form_data(world, title="Board's title", edit_version="1")
    )
    assert refused.status_code == 403
    db.session.expire_all()
    assert db.session.get(Proposal, draft.id).title == "Draft bid"


def test_staff_see_the_edit_button(staff_client):
    proposal = factories.make_proposal()
    page = staff_client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/proposals/{proposal.id}/edit" in page


@pytest.mark.parametrize("stage", [ProposalStage.SUBMITTED, ProposalStage.FUNDED])
def test_frozen_proposals_cannot_be_edited(staff_client, world, stage):
    proposal = factories.make_proposal(title="Sent", stage=stage)
    assert "Change proposal" not in staff_client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    response = staff_client.post(
        f"/proposals/{proposal.id}/edit", data=form_data(world, title="Changed", edit_version="1")
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).title == "Sent"


# The list -------------------------------------------------------------------------------


def test_list_filters(staff_client):
    one = factories.make_programme("One")
    two = factories.make_programme("Two")
    olu = factories.make_user(Role.STAFF, name="Olu")
    factories.make_proposal(programme=one, owner=olu, title="Biochar clean tech")
    factories.make_proposal(programme=one, title="Health tech", stage=ProposalStage.CO_CREATION)
    factories.make_proposal(programme=two, owner=olu, title="Clean energy", stage=ProposalStage.CO_CREATION)

    def titles(query):
        return sorted(listed_titles(staff_client.get(f"/proposals/?{query}")))

    assert titles("") == ["Biochar clean tech", "Clean energy", "Health tech"]
    assert titles(f"programme={one.id}") == ["Biochar clean tech", "Health tech"]
    assert titles("stage=co_creation") == ["Clean energy", "Health tech"]
    assert titles(f"owner={olu.id}") == ["Biochar clean tech", "Clean energy"]
    assert titles("q=CLEAN") == ["Biochar clean tech", "Clean energy"]
    assert titles("q=%25") == [] and titles("q=clean_") == []  # no wildcards
    assert titles(f"q=clean&programme={one.id}&stage=draft&owner={olu.id}") == ["Biochar clean tech"]
    assert titles("stage=nonsense&programme=abc") == ["Biochar clean tech", "Clean energy", "Health tech"]
    assert "No proposals match." in staff_client.get("/proposals/?q=nothing").get_data(as_text=True)


def test_list_keeps_the_filters_in_its_form_and_pages(staff_client):
    programme = factories.make_programme("One")
    for n in range(30):
        factories.make_proposal(programme=programme, title=f"Bid {n:02}")
    factories.make_proposal(title="Elsewhere")

    first = staff_client.get(f"/proposals/?programme={programme.id}")
    second = staff_client.get(f"/proposals/?programme={programme.id}&page=2")

    assert len(listed_titles(first)) == 25
    assert len(listed_titles(second)) == 5
    assert set(listed_titles(first)) | set(listed_titles(second)) == {f"Bid {n:02}" for n in range(30)}
    assert "Showing 26 to 30 of 30" in second.get_data(as_text=True)
    assert soup(first).find("select", {"name": "programme"}).find("option", selected=True).get_text() == "One"
    next_link = soup(first).select_one(".govuk-pagination__next a")["href"]
    assert f"programme={programme.id}" in next_link and "page=2" in next_link


# Editing --------------------------------------------------------------------------------


def edit_data(proposal, **overrides) -> dict:
    """The edit form's post as the person would send it, unchanged unless overridden."""
    data = {
        "programme_id": str(proposal.programme_id),
        "title": proposal.title,
        "lead_organisation_id": str(proposal.lead_organisation_id),
        "partner_ids": [str(i) for i in proposal.partner_ids],
        "owner_id": str(proposal.owner_id),
        "funding_ask": str(proposal.funding_ask),
        "summary": proposal.summary,
        "edit_version": str(proposal.version),
    }
    data.update(overrides)
    return data


@pytest.fixture
def proposal(staff_client) -> SimpleNamespace:
    """A draft with one partner, as plain values (ORM objects expire at every commit)."""
    partner = factories.make_organisation("Aston University")
    owner = factories.make_user(Role.STAFF, name="Olu Owner")
    made = factories.make_proposal(
        title="Health tech accelerator", owner=owner, funding_ask=1_000_000, partners=[partner],
        summary="First summary.",
    )
    return SimpleNamespace(
        id=made.id, programme_id=made.programme_id, title=made.title,
        lead_organisation_id=made.lead_organisation_id, partner_ids=[partner.id],
        owner_id=owner.id, funding_ask=made.funding_ask, summary=made.summary,
        version=made.version,
    )


def load(proposal_id: int) -> Proposal:
    """The proposal as a service gets it from a view, partners loaded."""
    db.session.expire_all()
    return db.session.scalar(
        select(Proposal).where(Proposal.id == proposal_id).options(selectinload(Proposal.partners))
    )


def test_edit_form_is_filled_in(staff_client, proposal):
    page = soup(staff_client.get(f"/proposals/{proposal.id}/edit"))
    assert page.find("input", {"name": "title"})["value"] == "Health tech accelerator"
    assert page.find("input", {"name": "funding_ask"})["value"] == "1,000,000"
    assert page.find("input", {"name": "edit_version"})["value"] == "1"
    ticked = [box["value"] for box in page.find_all("input", {"name": "partner_ids"}) if box.has_attr("checked")]
    assert ticked == [str(proposal.partner_ids[0])]


def test_editing_saves_bumps_the_version_and_records_what_changed(staff_client, proposal):
    response = staff_client.post(
        f"/proposals/{proposal.id}/edit",
        data=edit_data(proposal, title="Health tech accelerator II", funding_ask="1,500,000"),
    )

    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Proposal, proposal.id)
    assert (saved.title, saved.funding_ask, saved.version) == ("Health tech accelerator II", 1_500_000, 2)
    [entry] = activities("proposal.updated")
    assert entry.proposal_id == proposal.id
    assert entry.changes == {
        "title": ["Health tech accelerator", "Health tech accelerator II"],
        "funding_ask": [1_000_000, 1_500_000],
    }


def test_saving_without_changes_records_nothing(staff_client, proposal):
    response = staff_client.post(f"/proposals/{proposal.id}/edit", data=edit_data(proposal))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).version == 1
    assert activities("proposal.updated") == []


def test_a_partners_only_change_moves_the_version_on(staff_client, proposal):
    """Partners live in another table; the proposal's version must still move, so that
    someone editing the old version gets a conflict rather than overwriting the change."""
    newcomer = factories.make_organisation("Keele University")
    old_form = edit_data(proposal, title="Someone else's title")
    [partner_id] = proposal.partner_ids
    partner_ids = [str(partner_id), str(newcomer.id)]

    staff_client.post(f"/proposals/{proposal.id}/edit", data=edit_data(proposal, partner_ids=partner_ids))

    db.session.expire_all()
    saved = db.session.get(Proposal, proposal.id)
    assert saved.version == 2
    [entry] = activities("proposal.updated")
    assert entry.changes == {
        "partner_ids": [[partner_id], sorted([partner_id, newcomer.id])]
    }
    late = staff_client.post(f"/proposals/{proposal.id}/edit", data=old_form)
    assert late.status_code == 409
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).title == "Health tech accelerator"


def test_an_edit_on_a_stale_version_is_refused_with_the_differences(staff_client, proposal):
    """Someone saved in between: 409, the person's text still in the form, the differences shown."""
    stale = edit_data(
        proposal, title="My title", summary="My long summary.", funding_ask="2,000,000", partner_ids=[]
    )
    theirs = load(proposal.id)
    theirs.title = "Their title"  # the other person's save
    db.session.commit()

    response = staff_client.post(f"/proposals/{proposal.id}/edit", data=stale)

    assert response.status_code == 409
    page = soup(response)
    assert page.find("input", {"name": "title"})["value"] == "My title"
    assert page.find("textarea", {"name": "summary"}).get_text() == "My long summary."
    assert page.find("input", {"name": "funding_ask"})["value"] == "2,000,000"
    assert page.find("input", {"name": "edit_version"})["value"] == "2"
    assert "Someone else changed this proposal while you were editing it" in summary_errors(response)[0]
    table = page.select_one("table.tracker-conflicts")
    assert text(table.caption) == "What changed while you were editing"
    rows = {text(row.th): [text(td) for td in row.find_all("td")] for row in table.tbody.find_all("tr")}
    assert rows == {
        "Title": ["Their title", "My title"],
        "Partner organisations": ["Aston University", "Not set"],
        "Funding ask": ["£1,000,000", "£2,000,000"],
        "Summary": ["First summary.", "My long summary."],
    }
    db.session.expire_all()
    saved = db.session.get(Proposal, proposal.id)
    assert (saved.title, saved.summary, saved.version) == ("Their title", "First summary.", 2)
    assert activities("proposal.updated") == []


def test_the_update_service_refuses_a_stale_version(proposal):
    staff = factories.make_user(Role.STAFF)
    loaded = load(proposal.id)
    with pytest.raises(EditConflict):
        services.update_proposal(loaded, {"title": "New"}, started_from=0, actor=staff)
    assert loaded.title == "Health tech accelerator"


def test_update_writes_the_change_and_its_activity_in_one_transaction(proposal):
    staff = factories.make_user(Role.STAFF)
    loaded = load(proposal.id)
    values = services.proposal_values(loaded) | {"title": "New"}
    services.update_proposal(loaded, values, started_from=1, actor=staff)
    db.session.flush()
    assert loaded.version == 2
    assert len(activities("proposal.updated")) == 1
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).title == "Health tech accelerator"
    assert activities("proposal.updated") == []


def test_list_filters_that_name_nothing_are_ignored_with_a_notice(staff_client):
    programme = factories.make_programme()
    kept = factories.make_proposal(programme=programme, title="Kept in the list")
    response = staff_client.get(
        "/proposals/?programme=999999&stage=nonsense&owner=2147483648&sector=99999999999999999999"
    )
    assert response.status_code == 200
    notice = text(soup(response).select_one("#ignored-filters"))
    for named in ("Programme “999999”", "Stage “nonsense”", "Owner “2147483648”",
                  "Sector or theme “99999999999999999999”"):
        assert named in notice
    assert kept.title in response.get_data(as_text=True)


@pytest.mark.parametrize("too_big", ["2147483648", "99999999999999999999"])
def test_an_id_too_big_for_the_database_is_not_found(staff_client, too_big):
    assert staff_client.get(f"/proposals/{too_big}").status_code == 404


def test_a_page_past_the_end_says_so_and_links_to_the_last_page(staff_client):
    factories.make_proposal(title="The only proposal")
    response = staff_client.get("/proposals/?page=40")
    assert response.status_code == 200
    notice = soup(response).select_one("#past-the-end")
    assert text(notice).startswith("There is nothing on page 40: the list has 1 page.")
    assert notice.select_one("a")["href"].endswith("page=1")
