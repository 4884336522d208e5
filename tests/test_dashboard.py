"""The board dashboard against a small programme worked out by hand: the headline figures, the
figures by stage, a row per proposal, the chart tables, every number's link and the list behind
it, the filters (kept in the address, unknown values ignored with a notice), the programme
switcher, and a board member's home: what waits for their decision, then the dashboard."""

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import factories
from tests.pages import soup, text
from tests.test_portfolio import give_priorities, give_targets
from tracker.assessments.models import AssessorReview, AssessorScore
from tracker.auth.models import Role
from tracker.board.models import BoardDecision, BoardDecisionKind, ReviewRound
from tracker.contributions.models import Contribution, ContributionKind, ContributionStatus
from tracker.extensions import db
from tracker.milestones.models import MilestoneState
from tracker.prioritisation.models import Criterion, CriterionScore, proposal_dependency
from tracker.proposals.models import ProposalStage as S
from tracker.sections.models import Section, SectionState

TODAY = date(2026, 3, 2)


def moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("tracker.dashboard.views.today", lambda: TODAY)


def contribute(proposal, sector, status, given: date, title="Input") -> Contribution:
    contribution = Contribution(
        proposal_id=proposal.id, sector_id=sector.id, author_id=factories.make_user(Role.EXPERT).id,
        kind=ContributionKind.COMMENT, title=title, status=status, created_at=moment(given),
    )
    db.session.add(contribution)
    db.session.commit()
    return contribution


def complete_sections(proposal) -> None:
    for section in db.session.scalars(db.select(Section).where(Section.proposal_id == proposal.id)):
        section.state = SectionState.COMPLETE
    db.session.commit()


def decide(proposal, *kinds: BoardDecisionKind, closed_as: str = "", number: int = 1) -> ReviewRound:
    """A review round (closed with `closed_as`, or open) with a decision per kind."""
    review_round = ReviewRound(proposal_id=proposal.id, number=number, opened_at=moment(date(2026, 2, 1)),
                               closed_at=moment(date(2026, 2, 20)) if closed_as else None, outcome=closed_as)
    db.session.add(review_round)
    db.session.flush()
    db.session.add_all(BoardDecision(round_id=review_round.id, member_id=factories.make_user(Role.BOARD).id,
                                     decision=kind, comment="Because.") for kind in kinds)
    db.session.commit()
    return review_round


def assess(proposal, *scores: int) -> None:
    """One assessor per score, scoring every assessed section with it."""
    for number, score in enumerate(scores, start=1):
        review = AssessorReview(proposal_id=proposal.id, assessor_number=number, fund=score >= 7)
        db.session.add(review)
        db.session.flush()
        db.session.add(AssessorScore(review_id=review.id, section_key="need", score=score))
    db.session.commit()


@pytest.fixture
def programme():
    """Six proposals, worked out by hand for 2 March 2026 (deadline 31 March, pot £10m):

    | proposal | stage            | ask   | owner | priorities          | at risk because              |
    | Alpha    | co-creation      | £2.0m | Ana   | Health 100%         | a red milestone              |
    | Beta     | board review     | £3.0m | Ben   | Clean 60%           | -                            |
    | Gamma    | under assessment | £1.5m | Ana   | Clean 100%          | Innovate UK 60% < 70%        |
    | Delta    | funded           | £2.5m | Ben   | Health 50, Clean 50 | -                            |
    | Epsilon  | withdrawn        | £1.0m | Ana   | none                | - (never counted)            |
    | Zeta     | draft            | £0.5m | Ana   | none                | forecast late; depends on Gamma |

    Asking (all but withdrawn): £9.5m by 5 proposals, 95% of the pot, £500k not asked for;
    funded £2.5m (25%), £7.5m of the pot left. Funding by sector (asks apportioned):
    Health £2.0m + £1.25m = £3.25m (2 proposals, 34.2%); Clean £1.8m + £1.5m + £1.25m =
    £4.55m (3, 47.9%); not allocated £1.2m (Beta's 40%) + £0.5m (Zeta) = £1.7m (2, 17.9%).
    Contributions (withdrawn left out): January 2026 Health 1; February 2026 Clean 1, Health 1.
    Milestones: Alpha red + green, Beta amber, Delta done, Zeta green (due after the deadline).
    """
    programme = factories.make_programme("West Midlands", total_pot=10_000_000, board_quorum=2,
                                         full_proposal_deadline=date(2026, 3, 31))
    ana = factories.make_user(Role.STAFF, name="Ana Owen")
    ben = factories.make_user(Role.STAFF, name="Ben Cole")
    health = factories.make_sector("Health tech")
    clean = factories.make_sector("Clean tech")
    give_targets(programme, (health, "40"), (clean, "30"))

    def proposal(title, stage, ask, owner, since):
        return factories.make_proposal(programme=programme, title=title, stage=stage, funding_ask=ask,
                                       owner=owner, stage_changed_at=moment(since))

    alpha = proposal("Alpha", S.CO_CREATION, 2_000_000, ana, date(2026, 2, 20))
    beta = proposal("Beta", S.BOARD_REVIEW, 3_000_000, ben, date(2026, 2, 1))
    gamma = proposal("Gamma", S.UNDER_ASSESSMENT, 1_500_000, ana, date(2026, 1, 2))
    delta = proposal("Delta", S.FUNDED, 2_500_000, ben, date(2026, 3, 1))
    epsilon = proposal("Epsilon", S.WITHDRAWN, 1_000_000, ana, date(2026, 2, 28))
    zeta = proposal("Zeta", S.DRAFT, 500_000, ana, date(2026, 3, 2))
    give_priorities(alpha, (health, "100"))
    give_priorities(beta, (clean, "60"))
    give_priorities(gamma, (clean, "100"))
    give_priorities(delta, (health, "50"), (clean, "50"))

    contribute(alpha, health, ContributionStatus.SUBMITTED, date(2026, 1, 15), "Waiting input")
    contribute(alpha, health, ContributionStatus.ACCEPTED, date(2026, 2, 10))
    contribute(alpha, clean, ContributionStatus.WITHDRAWN, date(2026, 2, 11))
    contribute(beta, clean, ContributionStatus.NOTED, date(2026, 2, 12))

    factories.make_milestone(alpha, title="Alpha overdue", due_on=date(2026, 2, 20))
    factories.make_milestone(alpha, title="Alpha later", due_on=date(2026, 3, 20), state=MilestoneState.IN_PROGRESS)
    factories.make_milestone(beta, title="Beta soon", due_on=date(2026, 3, 10))
    factories.make_milestone(delta, title="Delta done", due_on=date(2026, 1, 10), state=MilestoneState.DONE)
    factories.make_milestone(zeta, title="Zeta late", due_on=date(2026, 4, 10))

    complete_sections(beta)
    decide(beta, BoardDecisionKind.ENDORSE, BoardDecisionKind.ENDORSE_WITH_CONDITIONS)
    assess(gamma, 6, 6)
    db.session.execute(proposal_dependency.insert().values(proposal_id=zeta.id, depends_on_id=gamma.id))
    criterion = Criterion(programme_id=programme.id, name="Regional economy", weight=100, position=1)
    db.session.add(criterion)
    db.session.flush()
    db.session.add(CriterionScore(proposal_id=alpha.id, criterion_id=criterion.id,
                                  scorer_id=factories.make_user(Role.BOARD).id, score=7))
    db.session.commit()
    return {"programme": programme, "ana": ana, "ben": ben, "health": health, "clean": clean,
            **{p.title.lower(): p for p in (alpha, beta, gamma, delta, epsilon, zeta)}}


def figure(page, name: str):
    """A headline figure: (value, href of its link or None, the words under it)."""
    block = page.select_one(f"#headline-{name}")
    link = block.select_one("p a")
    value = text(link) if link else text(block.select("p")[0])
    return value.split(":")[0].strip(), link["href"] if link else None, text(block.select("p")[1])


def query_of(href: str) -> dict:
    parts = urlsplit(href)
    return {"path": parts.path, **{key: values[0] for key, values in parse_qs(parts.query).items()}}


def rows_of(page, table_id: str) -> list[list[str]]:
    return [[text(cell) for cell in row.find_all(["th", "td"])]
            for row in page.select(f"#{table_id} tbody tr")]


def test_the_headline_figures_match_the_hand_worked_figures(board_client, programme):
    page = soup(board_client.get(f"/dashboard?programme={programme['programme'].id}"))

    pid = str(programme["programme"].id)
    value, href, words = figure(page, "proposals")
    assert value == "6"
    assert query_of(href) == {"path": "/proposals/", "programme": pid}
    value, href, words = figure(page, "asked")
    assert value == "£9,500,000"
    assert query_of(href)["stage"] == "draft,co_creation,board_review,submitted,under_assessment,clarification_requested,funded"
    assert words == ("by 5 proposals still in play or funded, against a £10,000,000 pot (95% of it): "
                     "£500k of the pot not asked for")
    value, href, words = figure(page, "funded")
    assert (value, query_of(href)["stage"]) == ("£2,500,000", "funded")
    assert words == "1 proposal funded (25% of the pot); £7,500,000 of the pot left"
    value, href, _ = figure(page, "at-risk")
    assert value == "3"
    assert query_of(href) == {"path": "/dashboard", "programme": pid, "show": "at_risk"}


def test_proposals_and_funding_by_stage_link_to_exactly_those_proposals(board_client, programme):
    page = soup(board_client.get("/dashboard"))  # the only programme, so the default

    assert rows_of(page, "stage-table") == [
        ["Draft", "1 Draft proposals", "£500,000 asked by Draft proposals"],
        ["Co-creation", "1 Co-creation proposals", "£2,000,000 asked by Co-creation proposals"],
        ["Board review", "1 Board review proposals", "£3,000,000 asked by Board review proposals"],
        ["Submitted", "0 Submitted proposals", "£0 asked by Submitted proposals"],
        ["Under assessment", "1 Under assessment proposals", "£1,500,000 asked by Under assessment proposals"],
        ["Clarification requested", "0 Clarification requested proposals",
         "£0 asked by Clarification requested proposals"],
        ["Funded", "1 Funded proposals", "£2,500,000 asked by Funded proposals"],
        ["Not funded", "0 Not funded proposals", "£0 asked by Not funded proposals"],
        ["Withdrawn", "1 Withdrawn proposals", "£1,000,000 asked by Withdrawn proposals"],
    ]
    link = page.select_one("#stage-table tbody tr:nth-of-type(3) a")["href"]
    listed = soup(board_client.get(link))
    assert [text(a) for a in listed.select("main table tbody tr td:first-child a")] == ["Beta"]
    bars = [text(bar) for bar in page.select("#stage-chart-title ~ g text")]
    assert bars[2] == "Board review : 1 proposal, £3m asked"


def test_a_row_per_proposal_by_title_with_its_figures(board_client, programme):
    page = soup(board_client.get("/dashboard"))

    rows = {text(row.th.a): row for row in page.select("#proposals-table tbody tr")}
    assert list(rows) == ["Alpha", "Beta", "Delta", "Epsilon", "Gamma", "Zeta"]

    def cell(title, column):
        return text(rows[title].select_one(f'[data-column="{column}"]'))

    assert cell("Alpha", "owner") == "Ana Owen"
    assert cell("Alpha", "stage") == "Co-creation, 10 days"
    assert cell("Alpha", "ask") == "£2,000,000"
    assert cell("Alpha", "readiness").startswith("20% ready")
    assert "To do: Required sections complete; Every contribution answered; No red milestones; " \
           "Endorsed by the board" in cell("Alpha", "readiness")
    assert cell("Alpha", "milestones") == (
        "! 1 Red milestone of Alpha , ● 1 Green milestone of Alpha "
        "Next: Alpha overdue , due 20 Feb 2026, forecast 2 Mar 2026 (10 days late)"
    )
    assert cell("Alpha", "contributions").startswith("1 waiting, 1 answered")
    assert cell("Alpha", "scores") == "Innovate UK: not assessed Regional: 7.00 out of 10 : the regional scores of Alpha , rank 1"
    assert cell("Alpha", "risk") == "At risk: 1 red milestone (overdue or blocked)"

    assert cell("Beta", "readiness").startswith("100% ready")
    assert cell("Beta", "milestones").startswith("▲ 1 Amber")
    assert cell("Beta", "contributions").startswith("0 waiting, 1 answered")
    assert cell("Beta", "risk") == "No"
    assert cell("Gamma", "scores").startswith("Innovate UK: 60% : the assessment of Gamma , below the 70% threshold")
    assert cell("Gamma", "risk") == "At risk: Innovate UK score 60% is below the 70% threshold"
    assert cell("Delta", "milestones") == "✓ 1 Done milestone of Delta"
    assert cell("Epsilon", "risk") == "No"
    assert cell("Zeta", "risk") == (
        "At risk: Forecast to finish 10 days after the deadline (31 March 2026); "
        "Depends on Gamma, which scored below the Innovate UK threshold"
    )
    red = rows["Alpha"].select_one('[data-column="milestones"] a')["href"]
    assert red == f"/proposals/{programme['alpha'].id}/milestones?rag=red"


def test_the_chart_tables_and_their_links(board_client, programme):
    page = soup(board_client.get("/dashboard"))
    pid = str(programme["programme"].id)

    assert rows_of(page, "balance") == [
        ["Clean tech (sector)", "3", "£4,550,000 : the proposals behind Clean tech", "47.9%", "30%",
         "17.9 points over target", "£1,700,000 over target"],
        ["Health tech (sector)", "2", "£3,250,000 : the proposals behind Health tech", "34.2%", "40%",
         "5.8 points under target", "£550,000 under target"],
        ["Not allocated to a priority", "2", "£1,700,000 : the proposals behind Not allocated to a priority",
         "17.9%", "No target", "No target", "No target"],
    ]
    clean = query_of(page.select_one("#balance tbody a")["href"])
    assert (clean["sector"], clean["programme"]) == (str(programme["clean"].id), pid)
    assert "withdrawn" not in clean["stage"]

    assert rows_of(page, "contributions-table") == [
        ["January 2026", "0", "1 for Health tech in January 2026", "1 in January 2026"],
        ["February 2026", "1 for Clean tech in February 2026", "1 for Health tech in February 2026",
         "2 in February 2026"],
    ]
    assert [text(th) for th in page.select("#contributions-table thead th")] == ["Month", "Clean tech", "Health tech", "All"]
    january_health = query_of(page.select_one("#contributions-table tbody tr a")["href"])
    assert january_health == {"path": "/dashboard/contributions", "programme": pid,
                              "contribution_sector": str(programme["health"].id), "month": "2026-01"}
    listed = soup(board_client.get(page.select_one("#contributions-table tbody tr a")["href"]))
    assert [text(row.th) for row in listed.select("#contributions tbody tr")] == ["Waiting input"]

    assert [(row[0], row[1].split()[0]) for row in rows_of(page, "rag-table")] == [
        ("! Red", "1"), ("▲ Amber", "1"), ("● Green", "2"), ("✓ Done", "1"),
    ]
    assert query_of(page.select_one("#rag-table a")["href"]) == {
        "path": f"/programmes/{pid}/timeline", "rag": "red"}
    assert "2 contributions: Clean tech 1, Health tech 1" in text(page.select_one("#contributions-chart-title").parent)


def test_filters_narrow_every_figure_and_stay_in_the_address(board_client, programme):
    pid = programme["programme"].id
    ana = programme["ana"].id
    page = soup(board_client.get(f"/dashboard?programme={pid}&stage=draft&stage=under_assessment&owner={ana}"))

    assert figure(page, "proposals")[0] == "2"
    assert figure(page, "asked")[0] == "£2,000,000"
    assert figure(page, "funded")[1] is None  # funded is not among the stages shown: no list
    assert figure(page, "at-risk")[0] == "2"
    assert [text(row.th.a) for row in page.select("#proposals-table tbody tr")] == ["Gamma", "Zeta"]
    assert [row[0] for row in rows_of(page, "stage-table")] == ["Draft", "Under assessment"]
    assert text(page.select_one("#narrowed")).startswith("Showing only the proposals at Draft, Under assessment, owned by Ana Owen")
    assert query_of(figure(page, "proposals")[1]) == {
        "path": "/proposals/", "programme": str(pid), "stage": "draft,under_assessment", "owner": str(ana)}
    checked = [box["value"] for box in page.select("#dashboard-filters input[name=stage][checked]")]
    assert checked == ["draft", "under_assessment"]

    serving = soup(board_client.get(f"/dashboard?sector={programme['health'].id}"))
    assert [text(row.th.a) for row in serving.select("#proposals-table tbody tr")] == ["Alpha", "Delta"]


def test_unknown_filter_values_are_ignored_with_a_notice(board_client, programme):
    response = board_client.get("/dashboard?programme=999&stage=nonsense&stage=draft&sector=abc&owner=12345&show=all&page=x")

    assert response.status_code == 200
    page = soup(response)
    notice = text(page.select_one("#ignored-filters"))
    for named in ("programme “999”", "stage “nonsense”", "sector or theme “abc”", "owner “12345”", "show “all”"):
        assert named in notice
    assert [text(row.th.a) for row in page.select("#proposals-table tbody tr")] == ["Zeta"]  # draft still applies


def test_at_risk_shows_only_those_proposals_with_their_reasons(board_client, programme):
    page = soup(board_client.get("/dashboard?show=at_risk"))

    assert text(page.select_one("#proposals")) == "Proposals at risk"
    assert [text(row.th.a) for row in page.select("#proposals-table tbody tr")] == ["Alpha", "Gamma", "Zeta"]
    assert figure(page, "proposals")[0] == "6"  # the headline still covers every proposal shown


def test_a_page_past_the_end_shows_the_last_page(board_client, programme, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 4)
    page = soup(board_client.get("/dashboard?page=9"))

    assert text(page.select_one("#past-the-end")) == "There is no page 9: this is the last page, page 2."
    assert [text(row.th.a) for row in page.select("#proposals-table tbody tr")] == ["Gamma", "Zeta"]
    assert figure(page, "proposals")[0] == "6"


def test_the_programme_switcher_shows_the_newest_programme_first(staff_client, programme):
    newer = factories.make_programme("Newer call", opens_on=date(2026, 1, 5))
    factories.make_programme("Older call", opens_on=date(2020, 1, 5))

    page = soup(staff_client.get("/dashboard"))
    assert text(page.select_one(".govuk-caption-l")) == "Newer call"
    options = [text(option) for option in page.select("#programme-switcher select option")]
    assert options[:2] == ["Newer call", "Older call"] and "West Midlands" in options
    assert page.select_one("#programme-switcher option[selected]")["value"] == str(newer.id)
    assert text(page.select_one("#proposals")) == "Proposals"
    assert "No proposals to show." in text(page)


def test_no_programme_yet(staff_client):
    page = soup(staff_client.get("/dashboard"))
    assert "There are no programmes yet" in text(page)


def test_a_board_members_home_is_what_waits_for_them_then_the_dashboard(board_client, programme):
    waiting = factories.make_proposal(programme=programme["programme"], title="Needs you", stage=S.BOARD_REVIEW)
    decide(waiting)  # an open round, no decisions
    decided = factories.make_proposal(programme=programme["programme"], title="Decided", stage=S.BOARD_REVIEW)
    review_round = decide(decided)
    db.session.add(BoardDecision(round_id=review_round.id, member_id=board_client.user.id,
                                 decision=BoardDecisionKind.ENDORSE))
    db.session.commit()

    response = board_client.get("/")
    page = soup(response)
    assert text(page.h1) == "Home"
    # Beta's round has decisions, but not this member's; opened on the same day, the older first.
    assert [text(row.th) for row in page.select("#waiting-table tbody tr")] == [
        "Beta : record your decision", "Needs you : record your decision"]
    assert page.select("#waiting-table a")[1]["href"] == f"/proposals/{waiting.id}/board"
    assert page.select_one("#headline-proposals") is not None  # then the dashboard
    assert text(page.select_one(".govuk-service-navigation__item--active")) == "Home"

    dashboard = soup(board_client.get("/dashboard"))
    assert text(dashboard.h1) == "Dashboard" and dashboard.select_one("#waiting-table") is not None
    assert text(dashboard.select_one(".govuk-service-navigation__item--active")) == "Dashboard"


def test_staff_see_no_waiting_list_and_everyone_allowed_has_the_navigation_item(staff_client, expert_client, programme):
    page = soup(staff_client.get("/dashboard"))
    assert page.select_one("#waiting") is None
    assert "Dashboard" in [text(a) for a in page.select(".govuk-service-navigation__list a")]
    assert "Dashboard" not in [text(a) for a in soup(expert_client.get("/")).select(".govuk-service-navigation__list a")]


def test_experts_are_refused(expert_client, programme):
    pid = programme["programme"].id
    for url in ("/dashboard", f"/dashboard?programme={pid}", f"/dashboard/contributions?programme={pid}",
                f"/programmes/{pid}/board-pack", f"/programmes/{pid}/board-pack.pdf"):
        response = expert_client.get(url)
        assert response.status_code == 403, url
        assert "Alpha" not in response.get_data(as_text=True)



def test_the_contributions_behind_a_figure_keep_the_filters_and_ignore_unknown_values(board_client, programme):
    pid = programme["programme"].id
    page = soup(board_client.get(f"/dashboard/contributions?programme={pid}&owner={programme['ana'].id}"))
    assert [text(row.th) for row in page.select("#contributions tbody tr")] == ["Waiting input", "Input"]
    assert text(page.select_one("#showing")).startswith("Input on the proposals owned by Ana Owen;")

    response = board_client.get(f"/dashboard/contributions?programme={pid}&month=2026-13&contribution_sector=x&page=7")
    assert response.status_code == 200
    page = soup(response)
    assert text(page.select_one("#ignored-filters")) == (
        "These filters in the address were not recognised, so they have been ignored: "
        "month “2026-13”, sector or theme of the input “x”.")
    assert text(page.select_one("#past-the-end")) == "There is no page 7: this is the last page, page 1."
    assert len(page.select("#contributions tbody tr")) == 3  # withdrawn input left out
