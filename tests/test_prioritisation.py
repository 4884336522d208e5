"""Regional prioritisation: the weighted arithmetic, the ranking (ties, unscored proposals),
Innovate UK's percentage for many proposals at once, dependencies and the ineligible flag."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, inline_error, soup, text
from tests.test_assessments import (
    SEVENTY,
    add_review,
    assessed_proposal,
    reload,
    review_the_west_midlands_bid,
)
from tracker.assessments.services import summarise
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.prioritisation import queries
from tracker.prioritisation.models import proposal_dependency
from tracker.prioritisation.services import (
    DEMO_CRITERIA,
    CriterionRow,
    DependencyRefused,
    add_dependency,
    record_scores,
    set_criteria,
)
from tracker.proposals.models import ProposalStage

SIXTY = [6] * 10


def demo_programme(**values):
    """A programme with the demo's five criteria: 40, 10, 20, 15, 15."""
    programme = factories.make_programme(**values)
    set_criteria(programme, DEMO_CRITERIA, factories.make_user(Role.STAFF))
    db.session.commit()
    return programme


def scorable(programme, title=None, stage=ProposalStage.CO_CREATION, **values):
    """A proposal of the programme that can be scored."""
    return factories.make_proposal(programme=programme, title=title, stage=stage, **values)


def score(proposal, values, scorer=None, notes=None):
    """`scorer` (a new board member when None) scores the proposal, one value per criterion
    in the criteria's order."""
    criteria = queries.criteria_of(proposal.programme_id)
    scorer = scorer or factories.make_user(Role.BOARD)
    record_scores(
        proposal, dict(zip([c.id for c in criteria], values, strict=True)),
        dict(zip([c.id for c in criteria], notes or [], strict=False)), scorer,
    )
    db.session.commit()
    return scorer


def figures(proposal):
    return queries.figures_for(proposal.id, queries.criteria_of(proposal.programme_id))


# The arithmetic ----------------------------------------------------------------------


def test_two_scorers_averages_and_the_weighted_total_by_hand():
    """Averages 7, 6, 8, 6, 7 weighted 40/10/20/15/15:
    2.8 + 0.6 + 1.6 + 0.9 + 1.05 = 6.95 out of 10."""
    proposal = scorable(demo_programme())
    score(proposal, [8, 6, 7, 5, 9])
    score(proposal, [6, 6, 9, 7, 5])

    result = figures(proposal)

    assert [f.average for f in result.criteria] == [Decimal(v) for v in ("7.0", "6.0", "8.0", "6.0", "7.0")]
    assert [f.count for f in result.criteria] == [2] * 5
    assert result.total == Decimal("6.95")
    assert result.percent == Decimal("69.5")
    assert result.scorers == 2


def test_the_weighted_total_uses_the_unrounded_averages():
    """A third scorer makes Co-investment and Inclusive growth 17/3 each (shown 5.7):
    3.2 + 0.4 + 1.4 + 0.15 x 17/3 x 2 (= 1.7) = 6.70, not the 6.71 that 5.7 would give."""
    proposal = scorable(demo_programme())
    score(proposal, [8, 6, 7, 5, 9])
    score(proposal, [6, 6, 9, 7, 5])
    score(proposal, [10, 0, 5, 5, 3])

    result = figures(proposal)

    assert [f.average for f in result.criteria] == [Decimal(v) for v in ("8.0", "4.0", "7.0", "5.7", "5.7")]
    assert result.total == Decimal("6.70")
    assert result.scorers == 3


def test_the_average_rounds_half_up():
    """(7 + 8) / 2 = 7.5 exactly, and 7.25 for a weight of 100 would show 7.25 out of 10."""
    programme = factories.make_programme()
    set_criteria(programme, [CriterionRow("Everything", 100)], None)
    proposal = scorable(programme)
    for values in ([7], [7], [7], [8]):
        score(proposal, values)

    result = figures(proposal)

    assert result.criteria[0].average == Decimal("7.3")  # 7.25 half up
    assert result.total == Decimal("7.25")


def test_a_criterion_nobody_scored_counts_nothing_and_unscored_is_none():
    programme = demo_programme()
    proposal = scorable(programme)
    assert figures(proposal).total is None

    score(proposal, [10, 10, 10, 10, 10])
    criteria = queries.criteria_of(programme.id)
    assert queries.weighted_total(criteria, {criteria[0].id: (10, 1)}) == Decimal("4.00")
    assert figures(proposal).total == Decimal("10.00")


# The ranking -------------------------------------------------------------------------


def test_ranking_ties_share_a_rank_then_title_and_unscored_come_last():
    programme = demo_programme()
    bravo = scorable(programme, "Bravo")
    alpha = scorable(programme, "Alpha")
    charlie = scorable(programme, "Charlie")
    golf = scorable(programme, "Golf")
    scorable(programme, "Echo")
    scorable(programme, "Delta")
    scorable(programme, "Foxtrot", stage=ProposalStage.DRAFT)
    scorable(programme, "Hotel", stage=ProposalStage.WITHDRAWN)
    score(bravo, [8, 8, 8, 8, 8])
    score(alpha, [8, 6, 7, 5, 9])
    score(alpha, [6, 6, 9, 7, 5])
    score(charlie, [7, 6, 8, 6, 7])  # the same 6.95 from other scores
    score(golf, [0, 0, 0, 0, 0])

    ranked = queries.ranking(programme.id, queries.criteria_of(programme.id))

    assert [(r.rank_text, r.title, r.total, r.scorers) for r in ranked] == [
        ("1", "Bravo", Decimal("8.00"), 1),
        ("=2", "Alpha", Decimal("6.95"), 2),
        ("=2", "Charlie", Decimal("6.95"), 1),
        ("4", "Golf", Decimal("0.00"), 1),
        ("Not scored", "Delta", None, 0),
        ("Not scored", "Echo", None, 0),
    ]


def test_the_ranking_page_shows_ranks_totals_and_not_scored(board_client):
    programme = demo_programme()
    first, second = scorable(programme, "First"), scorable(programme, "Second")
    unscored = scorable(programme, "Unscored")
    score(first, [9, 9, 9, 9, 9])
    score(second, [5, 5, 5, 5, 5])

    response = board_client.get(f"/programmes/{programme.id}/prioritisation")

    assert response.status_code == 200
    rows = [[text(cell) for cell in row.find_all(["th", "td"])]
            for row in soup(response).select("#ranking tbody tr")]
    assert [row[0] for row in rows] == ["1", "2", "Not scored"]
    assert rows[0][1].startswith("First") and rows[0][2] == "9.00 (90%)" and rows[0][3] == "1"
    assert rows[2][1].startswith(unscored.title) and rows[2][2] == "Not scored"
    assert [text(th) for th in soup(response).select("#criteria tbody th")] == [
        "Regional economy", "National economy", "Sector priority fit", "Co-investment",
        "Inclusive growth",
    ]
    assert "Change the criteria" not in text(soup(response))  # the board reads them


def test_the_ranking_is_paginated(staff_client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    programme = demo_programme()
    for n, value in enumerate([9, 8, 7]):
        score(scorable(programme, f"Proposal {n}"), [value] * 5)

    second_page = staff_client.get(f"/programmes/{programme.id}/prioritisation?page=2")

    rows = soup(second_page).select("#ranking tbody tr")
    assert [text(row.find("td")) for row in rows] == ["3"]
    assert "Proposal 2" in text(rows[0])


# Innovate UK's percentage for many proposals ------------------------------------------


def test_the_batch_assessment_figures_match_summarise_for_each_proposal():
    programme = factories.make_programme()
    not_assessed = assessed_proposal(programme=programme)
    seventy = assessed_proposal(programme=programme)
    add_review(seventy, 1, SEVENTY, fund=True)
    sixty = assessed_proposal(programme=programme)
    add_review(sixty, 1, SIXTY, fund=False)
    add_review(sixty, 2, SEVENTY, fund=True)
    west_midlands = assessed_proposal(programme=programme)
    review_the_west_midlands_bid(west_midlands, fund_votes=2)
    proposals = [not_assessed, seventy, sixty, west_midlands]

    batch = queries.assessment_summaries([p.id for p in proposals], programme.assessment_threshold)

    for proposal in proposals:
        expected = summarise(reload(proposal))
        assert batch[proposal.id] == expected
        assert batch[proposal.id].meets_threshold == expected.meets_threshold
    assert batch[west_midlands.id].average_percent == Decimal("70.8")
    assert batch[sixty.id].average_percent == Decimal("65.0")
    assert batch[not_assessed.id].meets_threshold is None


def test_the_ranking_shows_innovate_uks_percentage_and_the_threshold(staff_client):
    programme = demo_programme()
    above = assessed_proposal(programme=programme, title="Above")
    below = assessed_proposal(programme=programme, title="Below")
    scorable(programme, "Not assessed")
    add_review(above, 1, SEVENTY, fund=True)
    add_review(below, 1, SIXTY, fund=True)

    response = staff_client.get(f"/programmes/{programme.id}/prioritisation")

    cells = {text(row.th.a): text(row.find_all("td")[3])
             for row in soup(response).select("#ranking tbody tr")}
    assert cells == {"Above": "70% Clears 70%", "Below": "60% Below 70%",
                     "Not assessed": "Not assessed yet"}


# Dependencies and the ineligible flag ------------------------------------------------


@pytest.mark.parametrize("reviews,flagged", [
    ([SIXTY], True),  # its dependency failed the threshold
    ([SEVENTY], False),  # passed (70% meets a 70% threshold)
    ([], False),  # not assessed yet: not failed
])
def test_a_proposal_depending_on_one_that_failed_the_threshold_is_flagged(
        staff_client, reviews, flagged):
    programme = demo_programme()
    partner = assessed_proposal(programme=programme, title="Biochar pilot plant")
    dependent = scorable(programme, "Biochar accelerator")
    for number, scores in enumerate(reviews, start=1):
        add_review(partner, number, scores, fund=True)
    add_dependency(dependent, partner, factories.make_user(Role.STAFF))
    db.session.commit()
    flag = "Ineligible: depends on Biochar pilot plant, which did not reach the 70% threshold"

    ranking_page = staff_client.get(f"/programmes/{programme.id}/prioritisation")
    proposal_page = staff_client.get(
        f"/programmes/{programme.id}/prioritisation/proposals/{dependent.id}"
    )
    partner_page = staff_client.get(
        f"/programmes/{programme.id}/prioritisation/proposals/{partner.id}"
    )

    rows = {text(row.th.a): text(row) for row in soup(ranking_page).select("#ranking tbody tr")}
    assert (flag in rows["Biochar accelerator"]) is flagged
    assert flag not in rows["Biochar pilot plant"]
    assert (flag in text(soup(proposal_page))) is flagged
    assert "Ineligible" not in text(soup(partner_page))


def test_the_flag_names_the_programmes_own_threshold(board_client):
    programme = demo_programme(assessment_threshold=Decimal("72.5"))
    partner = assessed_proposal(programme=programme, title="Partner")
    add_review(partner, 1, SEVENTY, fund=True)
    dependent = scorable(programme, "Dependent")
    add_dependency(dependent, partner, None)
    db.session.commit()

    response = board_client.get(f"/programmes/{programme.id}/prioritisation")

    assert "Ineligible: depends on Partner, which did not reach the 72.5% threshold" in text(soup(response))


def _depends(proposal, on):
    add_dependency(proposal, on, None)
    db.session.commit()


def test_a_cycle_is_refused_and_named():
    programme = demo_programme()
    a, b, c = (scorable(programme, title) for title in ("A", "B", "C"))
    _depends(a, b)
    _depends(b, c)

    with pytest.raises(DependencyRefused) as refused:
        add_dependency(c, a, None)

    assert str(refused.value) == ("That would make a cycle: C would depend on A, which depends on B, "
                                  "which depends on C")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(proposal_dependency)) == 2


def test_a_direct_cycle_is_refused():
    programme = demo_programme()
    a, b = scorable(programme, "A"), scorable(programme, "B")
    _depends(a, b)

    with pytest.raises(DependencyRefused, match="That would make a cycle: B would depend on A, which depends on B"):
        add_dependency(b, a, None)


@pytest.mark.parametrize("case,message", [
    ("itself", "A proposal cannot depend on itself"),
    ("elsewhere", "Elsewhere is in another programme: a proposal can depend only on proposals in its own programme"),
    ("again", "A already depends on B"),
    ("nothing", "Choose the proposal it depends on"),
])
def test_dependency_refusals(case, message):
    programme = demo_programme()
    a, b = scorable(programme, "A"), scorable(programme, "B")
    _depends(a, b)
    other = {"itself": a, "elsewhere": scorable(demo_programme(), "Elsewhere"), "again": b,
             "nothing": None}[case]

    with pytest.raises(DependencyRefused) as refused:
        add_dependency(a, other, None)

    assert str(refused.value) == message


def test_staff_add_and_remove_a_dependency_on_the_page(staff_client):
    programme = demo_programme()
    a, b = scorable(programme, "Accelerator"), scorable(programme, "Pilot plant")
    url = f"/programmes/{programme.id}/prioritisation/proposals/{a.id}"

    page = staff_client.get(url)
    options = [text(o) for o in soup(page).select("#depends_on option")]
    assert options == ["Choose a proposal", "Pilot plant"]

    added = staff_client.post(f"{url}/dependencies", data={"depends_on": str(b.id)})

    assert added.status_code == 302
    entry = activities("dependency.added")[0]
    assert (entry.proposal_id, entry.summary) == (a.id, "Now depends on Pilot plant")
    after = staff_client.get(url)
    assert [text(th) for th in soup(after).select("#dependencies + p + table tbody th")] == ["Pilot plant"]
    assert [text(o) for o in soup(after).select("#depends_on option")] == ["Choose a proposal"]

    removed = staff_client.post(f"{url}/dependencies/{b.id}/remove")

    assert removed.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(proposal_dependency)) == 0
    assert activities("dependency.removed")[0].summary == "No longer depends on Pilot plant"
    assert staff_client.post(f"{url}/dependencies/{b.id}/remove").status_code == 404


def test_a_refused_dependency_is_explained_beside_the_select(staff_client):
    programme = demo_programme()
    a, b = scorable(programme, "A"), scorable(programme, "B")
    _depends(b, a)

    response = staff_client.post(
        f"/programmes/{programme.id}/prioritisation/proposals/{a.id}/dependencies",
        data={"depends_on": str(b.id)},
    )

    assert response.status_code == 400
    assert inline_error(response, "depends_on") == (
        "That would make a cycle: A would depend on B, which depends on A"
    )
    assert len(activities("dependency.added")) == 1  # only the first


def test_the_board_sees_dependencies_but_cannot_change_them(board_client):
    programme = demo_programme()
    a, b = scorable(programme, "A"), scorable(programme, "B")
    _depends(a, b)

    page = board_client.get(f"/programmes/{programme.id}/prioritisation/proposals/{a.id}")

    assert [text(th) for th in soup(page).select("#dependencies + p + table tbody th")] == ["B"]
    assert soup(page).select("#depends_on") == []
    assert "Remove" not in text(soup(page))
    assert board_client.post(
        f"/programmes/{programme.id}/prioritisation/proposals/{a.id}/dependencies/{b.id}/remove"
    ).status_code == 403


def test_a_proposal_of_another_programme_is_not_found_under_this_one(staff_client):
    proposal = scorable(demo_programme())
    other = demo_programme()

    response = staff_client.get(f"/programmes/{other.id}/prioritisation/proposals/{proposal.id}")

    assert response.status_code == 404


def test_experts_are_refused_even_for_proposals_open_to_them(expert_client):
    programme = demo_programme()
    proposal = scorable(programme)

    assert expert_client.get(f"/programmes/{programme.id}/prioritisation").status_code == 403
    assert expert_client.get(
        f"/programmes/{programme.id}/prioritisation/proposals/{proposal.id}"
    ).status_code == 403


@pytest.mark.parametrize("role,shown", [(Role.STAFF, True), (Role.BOARD, True), (Role.EXPERT, False)])
def test_the_programme_and_proposal_pages_link_here_for_those_who_may_read_it(client_as, role, shown):
    client = client_as(role)
    programme = demo_programme()
    proposal = scorable(programme)

    programme_links = [a["href"] for a in soup(client.get(f"/programmes/{programme.id}")).select("main a")]
    proposal_links = [a["href"] for a in soup(client.get(f"/proposals/{proposal.id}")).select("main a")]

    assert (f"/programmes/{programme.id}/prioritisation" in programme_links) is shown
    assert (f"/programmes/{programme.id}/prioritisation/proposals/{proposal.id}" in proposal_links) is shown
