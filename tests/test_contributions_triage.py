"""Staff triage of a proposal's input through HTTP: filters, order, counts by status, unknown
filter values, pagination, marking as under review in bulk, and what board members and
experts see at the same address."""

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import sign_in
from tests.pages import activities, error_summary, soup, text
from tests.test_sections import section_of
from tracker.auth.models import Role
from tracker.contributions import services
from tracker.contributions.models import Contribution, ContributionKind, ContributionStatus
from tracker.extensions import db
from tracker.organisations.models import OrganisationType
from tracker.proposals.models import ProposalStage
from tracker.sectors.models import SectorKind
from tracker.templating import long_date
from tracker.timeutil import utcnow


@pytest.fixture
def world():
    """A proposal open for input, two sectors, and three experts from three kinds of organisation."""
    proposal = factories.make_proposal(
        stage=ProposalStage.CO_CREATION, input_closes_on=date.today() + timedelta(days=7)
    )

    def expert(name, type_):
        organisation = factories.make_organisation(f"{name}'s employer", type_=type_)
        return factories.make_user(Role.EXPERT, name=name, organisation=organisation)

    return {
        "proposal": proposal,
        "health": factories.make_sector("Health tech"),
        "clean": factories.make_sector("Sustainability", kind=SectorKind.THEME),
        "ada": expert("Ada", OrganisationType.UNIVERSITY),
        "ben": expert("Ben", OrganisationType.BUSINESS),
        "cat": expert("Cat", OrganisationType.NHS_BODY),
    }


def give(world, author, title, *, days_ago=0, kind=ContributionKind.COMMENT, sector="health",
         section=None, status=ContributionStatus.SUBMITTED, proposal=None):
    """Input given through the service `days_ago`, then put in `status` as staff would have."""
    proposal = proposal or world["proposal"]
    contribution = services.submit_contribution(
        proposal, world[author], kind=kind, title=title, body="Some input",
        sector=world[sector], section=section_of(proposal, section) if section else None,
    )
    db.session.flush()
    contribution.created_at = utcnow() - timedelta(days=days_ago)
    contribution.status = status
    db.session.commit()
    return contribution


@pytest.fixture
def mixed(world):
    """Five contributions, oldest first: different authors, kinds, sectors, sections, statuses."""
    return [
        give(world, "ada", "Oldest risk", days_ago=20, kind=ContributionKind.RISK, section="risks"),
        give(world, "ben", "Market evidence", days_ago=10, kind=ContributionKind.EVIDENCE,
             section="market", status=ContributionStatus.UNDER_REVIEW),
        give(world, "cat", "Sustainability thought", days_ago=5, sector="clean"),
        give(world, "ada", "Taken back", days_ago=3, status=ContributionStatus.WITHDRAWN),
        give(world, "ben", "Newest note", days_ago=1, section="risks",
             status=ContributionStatus.NOTED),
    ]


def url(world, **args):
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/proposals/{world['proposal'].id}/contributions" + (f"?{query}" if query else "")


def bulk_url(world, **args):
    return url(world, **args).replace("/contributions", "/contributions/under-review", 1)


def titles(response) -> list[str]:
    """The contributions listed, in order."""
    return [text(row.select_one("a")) for row in soup(response).select("#contributions tbody tr")]


def counts(response) -> dict[str, str]:
    """The counts by status, as shown."""
    return {text(row.th): text(row.td) for row in soup(response).select("#status-counts tbody tr")}


def matching(response) -> str:
    return text(soup(response).select_one("#matching"))


def test_staff_see_every_contribution_oldest_first_with_counts(staff_client, world, mixed):
    response = staff_client.get(url(world))
    assert response.status_code == 200
    assert titles(response) == ["Oldest risk", "Market evidence", "Sustainability thought",
                                "Taken back", "Newest note"]  # withdrawn input is there too
    assert counts(response) == {"Submitted": "2", "Under review": "1", "Accepted": "0",
                                "Partly accepted": "0", "Declined": "0", "Noted": "1",
                                "Withdrawn": "1", "All": "5"}
    first = soup(response).select_one("#contributions tbody tr")
    cells = [text(cell) for cell in first.find_all("td")]
    assert cells[1:] == ["Oldest risk", "Risk", "Health tech", "Risks",
                         "Ada Ada's employer (University)", f"20 days ago {_long(mixed[0])}",
                         "Submitted"]
    assert first.select_one("a")["href"].startswith(f"/contributions/{mixed[0].id}?next=")
    window = (world["proposal"].input_closes_on.day, f"{world['proposal'].input_closes_on:%B %Y}")
    assert text(soup(response).select_one("#input-window")) == f"Input is open until {window[0]} {window[1]}."


def _long(contribution) -> str:
    return long_date(contribution.created_at)


@pytest.mark.parametrize("args,expected", [
    ({"status": "submitted"}, ["Oldest risk", "Sustainability thought"]),
    ({"status": "withdrawn"}, ["Taken back"]),
    ({"kind": "evidence"}, ["Market evidence"]),
    ({"section": "risks"}, ["Oldest risk", "Newest note"]),
    ({"section": "none"}, ["Sustainability thought", "Taken back"]),
    ({"organisation_type": "nhs_body"}, ["Sustainability thought"]),
    ({"organisation_type": "rto"}, []),
])
def test_each_filter(staff_client, world, mixed, args, expected):
    response = staff_client.get(url(world, **args))
    assert titles(response) == expected
    assert matching(response) == f"{len(expected)} of 5 contributions match these filters."
    assert counts(response)["All"] == "5"  # the counts stay those of the whole proposal


def test_filters_by_sector_and_by_author(staff_client, world, mixed):
    by_sector = staff_client.get(url(world, sector=world["clean"].id))
    assert titles(by_sector) == ["Sustainability thought"]
    by_author = staff_client.get(url(world, author=world["ben"].id))
    assert titles(by_author) == ["Market evidence", "Newest note"]
    # Only the people who gave input here are offered, with their organisation.
    options = [text(option) for option in soup(by_author).select("#author option")]
    assert options == ["Anyone", "Ada (Ada's employer)", "Ben (Ben's employer)", "Cat (Cat's employer)"]
    sectors = [text(option) for option in soup(by_author).select("#sector option")]
    assert sectors == ["Any sector or theme", "Health tech", "Sustainability"]


def test_filters_combine_and_stay_chosen(staff_client, world, mixed):
    response = staff_client.get(url(world, author=world["ada"].id, status="submitted", sort="newest"))
    assert titles(response) == ["Oldest risk"]
    assert matching(response) == "1 of 5 contributions match these filters."
    page = soup(response)
    assert page.select_one("#status option[selected]")["value"] == "submitted"
    assert page.select_one("#author option[selected]")["value"] == str(world["ada"].id)
    assert page.select_one("#sort option[selected]")["value"] == "newest"
    none = staff_client.get(url(world, author=world["cat"].id, kind="risk"))
    assert titles(none) == [] and "No contributions match." in text(soup(none))


def test_newest_first(staff_client, world, mixed):
    response = staff_client.get(url(world, sort="newest"))
    assert titles(response) == ["Newest note", "Taken back", "Sustainability thought",
                                "Market evidence", "Oldest risk"]
    assert matching(response).startswith("5 contributions")  # the order alone filters nothing


def test_unknown_filter_values_are_ignored_with_a_notice(staff_client, world, mixed):
    response = staff_client.get(url(world, status="lost", kind="poem", sector="abc", section="nowhere",
                                     organisation_type="guild", author="99999", sort="sideways",
                                     page="many"))
    assert response.status_code == 200
    assert len(titles(response)) == 5
    notice = text(soup(response).select_one("#ignored-filters"))
    for shown in ("Status “lost”", "Kind “poem”", "Sector or theme “abc”", "Section “nowhere”",
                  "Organisation type “guild”", "Author “99999”", "Order “sideways”"):
        assert shown in notice
    assert error_summary(response) == []


def test_a_sector_or_section_of_another_proposal_is_ignored(staff_client, world, mixed):
    other_sector = factories.make_sector("Unused here")
    response = staff_client.get(url(world, sector=other_sector.id, status="submitted"))
    assert titles(response) == ["Oldest risk", "Sustainability thought"]
    assert "Sector or theme" in text(soup(response).select_one("#ignored-filters"))


def test_pages_keep_the_filters(app, staff_client, world, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(5):
        give(world, "ada", f"Risk {n}", days_ago=10 - n)
    give(world, "ben", "Not Ada's", days_ago=30)
    first = staff_client.get(url(world, author=world["ada"].id, status="submitted"))
    assert titles(first) == ["Risk 0", "Risk 1"]
    next_link = soup(first).select_one(".govuk-pagination__next a")["href"]
    assert parse_qs(urlsplit(next_link).query) == {
        "author": [str(world["ada"].id)], "status": ["submitted"], "page": ["2"]}
    second = staff_client.get(next_link)
    assert titles(second) == ["Risk 2", "Risk 3"]
    # The rows link back to the page they were listed on, for staff to return after responding.
    back = parse_qs(urlsplit(soup(second).select_one("#contributions tbody a")["href"]).query)["next"][0]
    assert parse_qs(urlsplit(back).query)["page"] == ["2"]


def test_staff_mark_selected_input_as_under_review(staff_client, world, mixed):
    other = give(world, "ada", "On another proposal", proposal=factories.make_proposal(
        stage=ProposalStage.CO_CREATION, input_closes_on=date.today() + timedelta(days=7)))
    oldest, reviewing, thought, withdrawn, _ = mixed
    page = staff_client.get(url(world))
    boxes = soup(page).select("input[name=contribution_ids]")
    assert [int(box["value"]) for box in boxes] == [oldest.id, thought.id]  # only what waits
    label = soup(page).find("label", attrs={"for": boxes[1]["id"]})
    assert text(label) == "Select Sustainability thought"

    response = staff_client.post(
        bulk_url(world, status="submitted", kind="comment"),
        data={"contribution_ids": [oldest.id, thought.id, reviewing.id, withdrawn.id, other.id]},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == url(world, status="submitted", kind="comment")
    assert db.session.get(Contribution, oldest.id).status is ContributionStatus.UNDER_REVIEW
    assert db.session.get(Contribution, thought.id).status is ContributionStatus.UNDER_REVIEW
    assert db.session.get(Contribution, withdrawn.id).status is ContributionStatus.WITHDRAWN
    assert db.session.get(Contribution, other.id).status is ContributionStatus.SUBMITTED
    [entry] = activities("contribution.under_review")
    assert sorted(entry.changes["contributions"]) == sorted([oldest.id, thought.id])

    shown = text(soup(staff_client.get(response.headers["Location"])))
    assert "2 contributions marked as under review. 3 skipped" in shown


def test_marking_one_says_so_in_the_singular(staff_client, world, mixed):
    response = staff_client.post(bulk_url(world), data={"contribution_ids": [mixed[0].id]})
    shown = text(soup(staff_client.get(response.headers["Location"])))
    assert "1 contribution marked as under review" in shown and "skipped" not in shown


def test_marking_nothing_shows_an_error_in_place(staff_client, world, mixed):
    for data in ({}, {"contribution_ids": ["not-a-number"]}):
        response = staff_client.post(bulk_url(world, status="submitted"), data=data)
        assert response.status_code == 200
        assert error_summary(response) == [
            ("Select the contributions to mark as under review", "#contribution_ids")]
        assert titles(response) == ["Oldest risk", "Sustainability thought"]  # filters kept
        assert not activities("contribution.under_review")
    assert db.session.get(Contribution, mixed[0].id).status is ContributionStatus.SUBMITTED


def test_the_bulk_action_works_with_csrf_on(staff_client, world, mixed, csrf_on):
    page = soup(staff_client.get(url(world)))
    token = page.select_one("form[method=post] input[name=csrf_token]")["value"]
    response = staff_client.post(bulk_url(world), data={"csrf_token": token,
                                                         "contribution_ids": [mixed[0].id]})
    assert response.status_code == 302
    assert db.session.get(Contribution, mixed[0].id).status is ContributionStatus.UNDER_REVIEW


def test_board_members_read_but_cannot_mark(board_client, world, mixed):
    response = board_client.get(url(world))
    assert len(titles(response)) == 5
    assert soup(response).select("input[name=contribution_ids]") == []
    assert soup(response).select("form[method=post][action*=under-review]") == []
    refused = board_client.post(bulk_url(world), data={"contribution_ids": [mixed[0].id]})
    assert refused.status_code == 403
    assert db.session.get(Contribution, mixed[0].id).status is ContributionStatus.SUBMITTED


def test_experts_see_only_their_own_input_there(app, world, mixed):
    ada = app.test_client()
    sign_in(ada, world["ada"])
    response = ada.get(url(world))
    assert response.status_code == 200
    assert soup(response).h1.get_text(strip=True) == "Your input on this proposal"
    assert titles(response) == ["Oldest risk", "Taken back"]
    assert counts(response)["All"] == "2" and counts(response)["Withdrawn"] == "1"
    page = soup(response)
    assert page.select_one("#author") is None
    assert page.select("input[name=contribution_ids]") == []
    assert page.find("a", string="Give input")["href"] == f"/proposals/{world['proposal'].id}/contributions/new"
    # Another author's id in the address shows nothing of theirs.
    assert titles(ada.get(url(world, author=world["ben"].id))) == ["Oldest risk", "Taken back"]
    sectors = [text(option) for option in page.select("#sector option")]
    assert sectors == ["Any sector or theme", "Health tech"]

    refused = ada.post(bulk_url(world), data={"contribution_ids": [mixed[0].id]})
    assert refused.status_code == 403


def test_experts_get_no_give_input_link_once_input_has_closed(expert_client, world):
    world["proposal"].input_closes_on = date.today() - timedelta(days=1)
    db.session.commit()
    response = expert_client.get(url(world))
    assert response.status_code == 200
    assert soup(response).find("a", string="Give input") is None
    closed = world["proposal"].input_closes_on
    assert text(soup(response).select_one("#input-window")) == f"Input closed on {closed.day} {closed:%B %Y}."
    assert "You have not given input on this proposal yet." in text(soup(response))


def test_an_expert_cannot_open_triage_on_a_proposal_not_open_to_them(expert_client):
    draft = factories.make_proposal()
    assert expert_client.get(f"/proposals/{draft.id}/contributions").status_code == 403


def test_a_proposal_past_co_creation_says_input_is_closed(staff_client):
    proposal = factories.make_proposal(stage=ProposalStage.BOARD_REVIEW)
    response = staff_client.get(f"/proposals/{proposal.id}/contributions")
    assert text(soup(response).select_one("#input-window")) == "Input is closed: this proposal is at Board review."
    assert "No input has been given on this proposal yet." in text(soup(response))


def test_the_proposal_page_links_to_co_creation(client_as, world, mixed):
    proposal_url = f"/proposals/{world['proposal'].id}"
    for role in (Role.STAFF, Role.BOARD):
        page = soup(client_as(role).get(proposal_url))
        links = {text(link): link["href"] for link in page.select("[aria-labelledby=co-creation-heading] a")}
        assert links["Contributions (5)"] == url(world)
        assert "Requests for input" in links and "Co-creation report" in links
    page = soup(client_as(Role.EXPERT).get(proposal_url))
    links = {text(link): link["href"] for link in page.select("[aria-labelledby=co-creation-heading] a")}
    assert links["Your input on this proposal"] == url(world)
    assert "Co-creation report" not in links


def test_marking_is_a_service_that_ignores_other_proposals(world, mixed):
    staff = factories.make_user(Role.STAFF)
    other = factories.make_proposal()
    assert services.mark_under_review(other, [c.id for c in mixed], staff) == 0
    assert services.mark_under_review(world["proposal"], [c.id for c in mixed], staff) == 2
    db.session.commit()
    statuses = db.session.scalars(select(Contribution.status).order_by(Contribution.id)).all()
    assert statuses.count(ContributionStatus.UNDER_REVIEW) == 3
