"""Search (/search?q=): hits in proposals, sections and contributions, highlighted safely,
counted by kind and paged; queries with no words, search syntax or great length answered
clearly; the index kept in step with every change. Runs on SQLite (FTS5) and PostgreSQL."""

from markupsafe import Markup

from tests import factories
from tests.pages import soup, text
from tests.test_sections import save
from tracker.auth.models import Role
from tracker.contributions.models import Contribution, ContributionKind, ContributionStatus
from tracker.extensions import db
from tracker.proposals.models import ProposalStage
from tracker.search.highlight import END, START, highlighted
from tracker.search.terms import MAX_WORDS, parse


def give(proposal, author, title: str, body: str = "Some input.",
         status: ContributionStatus = ContributionStatus.SUBMITTED) -> Contribution:
    """A contribution saved as it stands (the services' rules are tested elsewhere)."""
    contribution = Contribution(
        proposal_id=proposal.id, sector_id=factories.make_sector().id, author_id=author.id,
        kind=ContributionKind.COMMENT, title=title, body=body, status=status,
    )
    db.session.add(contribution)
    db.session.commit()
    return contribution


def results(response) -> list[str]:
    """Each result's text: its kind, title, proposal and snippet."""
    return [text(item) for item in soup(response).select("#results > li")]


def result_titles(response) -> list[str]:
    """Each result's kind and title, in the order shown."""
    return [f"{text(item.select_one('.govuk-tag'))} {text(item.select_one('a'))}"
            for item in soup(response).select("#results > li")]


def result_links(response) -> list[str]:
    return [link["href"] for link in soup(response).select("#results > li > a")]


def test_finds_proposals_sections_and_contributions_labelled_with_their_proposal(staff_client):
    proposal = factories.make_proposal(title="Hydrogen valleys", summary="A quokka testbed.")
    save(proposal, "Quokka risks are low.", key="risks")
    expert = factories.make_user(Role.EXPERT)
    contribution = give(proposal, expert, "Quokka evidence", "Numbers from the field.")
    factories.make_proposal(title="Unrelated", summary="Nothing to see.")

    response = staff_client.get("/search?q=quokka")

    assert response.status_code == 200
    assert text(soup(response).select_one("#results-heading")) == "3 results for “quokka”"
    found = results(response)
    assert any(row.startswith("Proposal Hydrogen valleys") for row in found)
    assert any(row.startswith("Section Risks In the proposal Hydrogen valleys") for row in found)
    assert any(row.startswith("Contribution Quokka evidence In the proposal Hydrogen valleys") for row in found)
    assert set(result_links(response)) == {
        f"/proposals/{proposal.id}", f"/proposals/{proposal.id}/sections/risks",
        f"/contributions/{contribution.id}",
    }
    kinds = [text(item) for item in soup(response).select("#result-kinds li")]
    assert kinds == ["Everything (3)", "Proposals (1)", "Sections (1)", "Contributions (1)"]


def test_words_match_in_any_order_and_by_their_stem(staff_client):
    factories.make_proposal(title="Funding the biochar accelerator", summary="")

    for query in ("accelerator biochar", "funded BIOCHAR", "accelerators"):
        assert len(results(staff_client.get(f"/search?q={query}"))) == 1, query
    assert results(staff_client.get("/search?q=biochar+hydrogen")) == []


def test_the_kind_filter_shows_one_kind_and_counts_every_kind(staff_client):
    proposal = factories.make_proposal(title="Wombat robotics", summary="")
    save(proposal, "Wombat burrows.", key="risks")

    response = staff_client.get("/search?q=wombat&kind=section")

    assert result_titles(response) == ["Section Risks"]
    assert [text(item) for item in soup(response).select("#result-kinds li")] == [
        "Everything (2)", "Proposals (1)", "Sections (1)", "Contributions (0)"]


def test_an_unknown_kind_is_ignored_with_a_notice(staff_client):
    factories.make_proposal(title="Wombat robotics")

    response = staff_client.get("/search?q=wombat&kind=<b>everything</b>")

    assert response.status_code == 200
    assert "Show “<b>everything</b>”" in text(soup(response).select_one("#ignored-filters"))
    assert len(results(response)) == 1


def test_matching_words_are_marked_and_the_text_around_them_escaped(staff_client):
    proposal = factories.make_proposal(title="Safe <em>titles</em> numbat")
    save(proposal, 'Numbat <script>alert("x")</script> & <b>bold</b> claims.', key="risks")

    response = staff_client.get("/search?q=numbat")

    page = response.get_data(as_text=True)
    assert "<script>alert" not in page
    assert "<b>bold</b>" not in page and "<em>titles</em>" not in page
    assert "Safe &lt;em&gt;titles&lt;/em&gt; <mark>numbat</mark>" in page
    section = next(item for item in soup(response).select("#results > li")
                   if text(item.select_one(".govuk-tag")) == "Section")
    snippet = section.select_one("p").decode_contents()
    assert snippet.startswith("<mark>Numbat</mark>")
    # The only markup in the snippet is the highlighting; the rest is escaped text.
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")
    if db.engine.dialect.name == "sqlite":  # PostgreSQL's ts_headline leaves tags out instead
        assert "&lt;script&gt;alert(" in snippet


def test_highlighted_builds_markup_from_escaped_pieces():
    assert highlighted(f"a {START}<b>{END} & {START}c{END}") == Markup(
        "a <mark>&lt;b&gt;</mark> &amp; <mark>c</mark>")
    assert highlighted(f"stray {END}end and {START}open") == Markup("stray end and <mark>open</mark>")
    assert highlighted(None) == Markup("")


def test_a_query_of_only_punctuation_runs_no_search_and_says_why(staff_client, count_queries):
    for query in ("%21%3F%22%27", "", "+++", "*", "_"):
        with count_queries() as counter:
            response = staff_client.get(f"/search?q={query}")
        assert response.status_code == 200
        assert soup(response).title.get_text().startswith("Error: Search")
        assert "Enter a word to search for" in text(soup(response).select_one(".govuk-error-summary"))
        assert not any("search_index" in sql or "tsvector" in sql for sql in counter.statements)


def test_the_search_page_without_a_query_shows_the_form_alone(staff_client):
    response = staff_client.get("/search")
    assert response.status_code == 200
    assert not soup(response).select(".govuk-error-summary")
    assert soup(response).select_one("input#q")["name"] == "q"


def test_search_syntax_is_looked_for_as_words_never_obeyed(staff_client):
    factories.make_proposal(title="Near the OR and NOT gate")

    for query in ('"unbalanced', "NEAR(or", "not* -and ^gate", "title:gate", "a AND OR NOT ( ) :"):
        response = staff_client.get("/search", query_string={"q": query})
        assert response.status_code == 200, query
    response = staff_client.get("/search", query_string={"q": 'gate" OR "nothing'})
    assert len(results(response)) == 0  # every word must be there: "nothing" is not


def test_a_very_long_query_is_cut_and_says_so(staff_client):
    factories.make_proposal(title="Echidna sensors")
    response = staff_client.get("/search", query_string={"q": "echidna " + "sensors " * 3000})
    assert response.status_code == 200
    assert "only its first words were used" in text(soup(response).select_one("#shortened"))
    assert len(results(response)) == 1


def test_parse_keeps_letters_and_digits_each_once_and_caps_the_words():
    assert parse("Net-zero: 2030's CO2 net!").words == ("net", "zero", "2030", "s", "co2")
    many = parse(" ".join(f"word{n}" for n in range(MAX_WORDS + 5)))
    assert len(many.words) == MAX_WORDS and many.shortened
    assert not parse("… — !!").words


def test_results_are_paged_and_a_page_past_the_end_says_so(staff_client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(5):
        factories.make_proposal(title=f"Platypus {n}", summary="")

    first = staff_client.get("/search?q=platypus")
    last = staff_client.get("/search?q=platypus&page=3")
    beyond = staff_client.get("/search?q=platypus&page=99")
    silly = staff_client.get("/search?q=platypus&page=99999999999999999999999")

    assert len(results(first)) == 2 and len(results(last)) == 1
    assert "Showing 5 to 5 of 5" in last.get_data(as_text=True)
    assert "page=2" in soup(first).select_one(".govuk-pagination__next a")["href"]
    assert "q=platypus" in soup(first).select_one(".govuk-pagination__next a")["href"]
    for response in (beyond, silly):
        assert response.status_code == 200
        assert results(response) == []
        assert "the list has 3 pages" in text(soup(response).select_one("#past-the-end"))


def test_no_match_says_so(staff_client):
    response = staff_client.get("/search?q=bandicoot")
    assert response.status_code == 200
    assert "Nothing you may see matches every word" in text(soup(response).select_one("#no-results"))


def test_the_index_follows_every_change_and_removal(staff_client):
    proposal = factories.make_proposal(title="Old title", summary="")
    expert = factories.make_user(Role.EXPERT)
    contribution = give(proposal, expert, "Dingo input")
    save(proposal, "Kookaburra text.", key="risks")

    proposal.title = "Quoll title"
    contribution.body = "Now about a cassowary."
    db.session.commit()
    save(proposal, "Rewritten entirely.", key="risks")

    assert results(staff_client.get("/search?q=old")) == []
    assert len(results(staff_client.get("/search?q=quoll"))) == 1
    assert len(results(staff_client.get("/search?q=cassowary"))) == 1
    assert results(staff_client.get("/search?q=kookaburra")) == []
    db.session.delete(contribution)
    db.session.commit()
    assert results(staff_client.get("/search?q=dingo")) == []


def test_the_header_has_a_search_box_that_works_without_javascript(staff_client, client):
    form = soup(staff_client.get("/")).select_one("form[role=search]")
    assert form.get("method", "get") == "get" and form["action"] == "/search"
    field = form.select_one("input#header-search")
    assert field["name"] == "q"
    assert form.select_one("label[for=header-search]") is not None
    assert soup(client.get("/accessibility")).select_one("form[role=search]") is None  # visitors


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get("/search?q=anything")
    assert response.status_code == 302
    assert "/auth/sign-in" in response.headers["Location"]


def test_board_members_find_proposals_at_any_stage(board_client):
    factories.make_proposal(title="Draft tapir plan", stage=ProposalStage.DRAFT)
    assert len(results(board_client.get("/search?q=tapir"))) == 1
