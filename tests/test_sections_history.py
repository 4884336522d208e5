"""A section's history: its revisions page by page, any two compared word by word, and an old
revision restored as a new one."""

import pytest

from tests import factories
from tests.pages import activities, error_summary, inline_error, soup, summary_errors, table_column, text
from tests.test_sections import revisions, save, section_of, url
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.proposals.models import ProposalStage


@pytest.fixture
def proposal():
    return factories.make_proposal(title="Health tech accelerator")


def compare_url(proposal, query: str, key: str = "risks") -> str:
    return url(proposal, key=key, page=f"compare?{query}")


def restore(client, proposal, number: int, version=None, key: str = "risks"):
    version = section_of(proposal, key).version if version is None else version
    return client.post(
        url(proposal, key=key, page=f"revisions/{number}/restore"), data={"edit_version": version}
    )


# History

def test_the_history_lists_revisions_newest_first(staff_client, proposal):
    writer = factories.make_user(Role.STAFF, name="Priya Patel")
    save(proposal, "The quick brown fox.", actor=writer, note="First draft")
    save(proposal, "The slow brown fox.", actor=writer)
    restore(staff_client, proposal, 1)

    response = staff_client.get(url(proposal, page="history"))

    assert response.status_code == 200
    page = soup(response)
    assert text(page.h1) == "History of Risks"
    rows = page.select("table.tracker-revisions tbody tr")
    assert [text(row.th) for row in rows] == ["3 Current", "2", "1"]
    assert table_column(response, 0)[2].endswith(" by Priya Patel")
    assert table_column(response, 1) == [
        "Restored revision 1 Restored from revision 1", "No note", "First draft",
    ]
    assert table_column(response, 2) == ["4", "4", "4"]
    links = {text(link): link["href"] for link in rows[0].select("a")}
    assert links == {
        "Compare with revision 2 (changes made in revision 3)": compare_url(proposal, "from=2&to=3"),
    }
    older = {text(link): link["href"] for link in rows[2].select("a")}
    assert older == {
        "Compare with the current text (revision 1 against revision 3)": compare_url(
            proposal, "from=1&to=3"
        ),
    }
    assert [text(button) for button in page.select("table button")] == [
        "Restore this text (revision 2) as a new revision",
        "Restore this text (revision 1) as a new revision",
    ]
    compare_form = page.select_one('form[method="get"]')
    assert compare_form["action"] == url(proposal, page="compare")
    assert compare_form.select_one("input#from")["value"] == "2"
    assert compare_form.select_one("input#to")["value"] == "3"


def test_the_board_sees_the_history_without_restore_buttons(board_client, proposal):
    save(proposal, "One.")
    save(proposal, "Two.")
    response = board_client.get(url(proposal, page="history"))
    assert response.status_code == 200
    assert table_column(response, 2) == ["1", "1"]
    assert not soup(response).select("table button")


def test_a_section_with_no_revisions_says_so(staff_client, proposal):
    response = staff_client.get(url(proposal, page="history"))
    assert "Nothing has been saved in Risks yet, so it has no revisions." in text(soup(response).main)
    assert not soup(response).select("table")


def test_the_history_comes_a_page_at_a_time(staff_client, proposal, app):
    per_page = app.config["PAGE_SIZE"]
    for n in range(1, per_page + 6):
        save(proposal, f"Version {n} of the text.", note=f"Change {n}")

    first = staff_client.get(url(proposal, page="history"))
    second = staff_client.get(url(proposal, page="history") + "?page=2")

    assert table_column(first, 1)[0] == f"Change {per_page + 5}"
    assert len(table_column(first, 1)) == per_page
    assert table_column(second, 1) == [f"Change {n}" for n in range(5, 0, -1)]
    assert f"Showing {per_page + 1} to {per_page + 5} of {per_page + 5}" in text(soup(second).main)
    next_link = soup(first).select_one(".govuk-pagination__next a")
    assert next_link["href"] == url(proposal, page="history") + "?page=2"


# Compare

def test_compare_shows_the_words_removed_and_added_side_by_side(staff_client, proposal):
    save(proposal, "the quick brown fox")
    save(proposal, "the slow brown fox")

    response = staff_client.get(compare_url(proposal, "from=1&to=2"))

    assert response.status_code == 200
    page = soup(response)
    assert text(page.h1) == "Compare revisions of Risks"
    before, after = page.select(".tracker-comparison__text")
    assert [d.get_text() for d in before.find_all("del")] == ["[removed: quick]"]
    assert not before.find_all("ins")
    assert [i.get_text() for i in after.find_all("ins")] == ["[added: slow]"]
    assert not after.find_all("del")
    assert before.get_text() == "the [removed: quick] brown fox"
    assert after.get_text() == "the [added: slow] brown fox"
    headings = [text(h) for h in page.select(".tracker-comparison h2")]
    assert headings[0].startswith("Before: revision 1, ")
    assert headings[1].startswith("After: revision 2, ")
    assert "1 word added, 1 word removed." in text(page.main)
    key = text(page.select_one(".tracker-comparison-key"))
    assert "struck through" in key and "underlined" in key


def test_compare_keeps_line_breaks_and_shows_text_as_typed(staff_client, proposal):
    save(proposal, "## Risks\n\nDelays & <b>costs</b>.")
    save(proposal, "## Risks\n\nDelays & rising <b>costs</b>.")

    response = staff_client.get(compare_url(proposal, "from=1&to=2"))

    before, after = soup(response).select(".tracker-comparison__text")
    assert before.get_text() == "## Risks\n\nDelays & <b>costs</b>."
    assert after.get_text() == "## Risks\n\nDelays & [added: rising ]<b>costs</b>."
    assert "Delays &amp; &lt;b&gt;costs&lt;/b&gt;." in response.get_data(as_text=True)


def test_comparing_a_revision_with_itself_says_they_are_the_same(staff_client, proposal):
    save(proposal, "Same words.")
    response = staff_client.get(compare_url(proposal, "from=1&to=1"))
    assert response.status_code == 200
    assert "The two texts are the same." in text(soup(response).main)
    assert not soup(response).select(".tracker-comparison ins, .tracker-comparison del")


def test_revision_numbers_of_another_section_are_not_found(staff_client, proposal):
    for n in range(1, 4):
        save(proposal, f"Risk text number {n}, private to risks.", key="risks")
    save(proposal, "Costs text.", key="costs")
    other = factories.make_proposal()
    save(other, "Another proposal's risks.", key="risks")
    save(other, "Another proposal's risks, revised.", key="risks")

    for response in (
        staff_client.get(compare_url(proposal, "from=1&to=3", key="costs")),
        staff_client.get(compare_url(proposal, "from=2&to=1", key="costs")),
        staff_client.get(compare_url(other, "from=2&to=3")),
    ):
        assert response.status_code == 404
        assert "private to risks" not in response.get_data(as_text=True)


@pytest.mark.parametrize("query,errors", [
    ("", ["Enter the number of the revision to compare from",
          "Enter the number of the revision to compare it with"]),
    ("from=1", ["Enter the number of the revision to compare it with"]),
    ("from=one&to=2", ["From revision must be a whole number"]),
    ("from=1&to=-2", ["To revision must be a revision number, like 3"]),
    ("from=0&to=99999999999999999999", ["From revision must be a revision number, like 2",
                                        "To revision must be a revision number, like 3"]),
])
def test_compare_asks_for_two_revision_numbers(staff_client, proposal, query, errors):
    save(proposal, "One.")
    response = staff_client.get(compare_url(proposal, query))
    assert response.status_code == 400
    assert summary_errors(response) == errors
    assert error_summary(response)[0][1] in ("#from", "#to")
    assert not soup(response).select(".tracker-comparison")


def test_a_wrong_number_is_shown_back_in_the_compare_form(staff_client, proposal):
    save(proposal, "One.")
    response = staff_client.get(compare_url(proposal, "from=one&to=1"))
    assert soup(response).select_one("input#from")["value"] == "one"
    assert inline_error(response, "from") == "From revision must be a whole number"


# Restore

def test_restoring_makes_the_old_text_current_as_a_new_revision(staff_client, proposal):
    save(proposal, "The original words.")
    save(proposal, "Words that went wrong.")

    response = restore(staff_client, proposal, 1)

    assert response.status_code == 302
    assert response.location == url(proposal)
    saved = revisions(proposal)
    assert [(r.number, r.text, r.restored_from) for r in saved] == [
        (1, "The original words.", None),
        (2, "Words that went wrong.", None),
        (3, "The original words.", 1),
    ]
    assert saved[2].author_id == staff_client.user.id
    assert section_of(proposal).text == "The original words."
    [entry] = activities("section.restored")
    assert (entry.actor_id, entry.proposal_id) == (staff_client.user.id, proposal.id)
    assert entry.changes == {"revision": [2, 3]}
    page = staff_client.get(url(proposal))
    assert "Revision 1 of Risks has been restored as revision 3" in text(soup(page).main)


def test_a_restore_made_on_an_old_page_is_refused(staff_client, proposal):
    save(proposal, "The original words.")
    save(proposal, "Second words.")
    seen = section_of(proposal).version
    save(proposal, "Someone else's third words.")

    response = restore(staff_client, proposal, 1, version=seen)

    assert response.status_code == 409
    assert summary_errors(response) == [
        "Someone else changed Risks after you opened its history, so revision 1 was not restored. "
        "Check the latest revisions below, then restore again."
    ]
    assert text(soup(response).select_one("table.tracker-revisions tbody th")) == "3 Current"
    assert [r.number for r in revisions(proposal)] == [1, 2, 3]
    assert activities("section.restored") == []


def test_restoring_the_current_revision_changes_nothing(staff_client, proposal):
    save(proposal, "One.")
    response = restore(staff_client, proposal, 1)
    assert response.status_code == 302
    assert [r.number for r in revisions(proposal)] == [1]
    page = staff_client.get(response.location)
    assert "Revision 1 is already the text of Risks: nothing changed" in text(soup(page).main)


def test_restoring_a_revision_of_another_section_is_not_found(staff_client, proposal):
    save(proposal, "Risks one.")
    save(proposal, "Costs one.", key="costs")
    save(proposal, "Costs two.", key="costs")
    assert restore(staff_client, proposal, 2).status_code == 404
    assert restore(staff_client, proposal, 1, version=1, key="no-such-section").status_code == 404
    assert [r.number for r in revisions(proposal)] == [1]


def test_a_restore_without_its_version_is_a_bad_request(staff_client, proposal):
    save(proposal, "One.")
    save(proposal, "Two.")
    response = staff_client.post(url(proposal, page="revisions/1/restore"), data={})
    assert response.status_code == 400
    assert [r.number for r in revisions(proposal)] == [1, 2]


def test_a_submitted_proposals_revisions_cannot_be_restored(staff_client, proposal):
    save(proposal, "One.")
    save(proposal, "Two.")
    proposal.stage = ProposalStage.SUBMITTED
    db.session.commit()

    response = restore(staff_client, proposal, 1)

    assert response.status_code == 403
    assert "a proposal's text is read-only from submission on" in text(
        soup(response).select_one(".govuk-notification-banner")
    )
    assert [r.number for r in revisions(proposal)] == [1, 2]
    assert section_of(proposal).text == "Two."
    assert not soup(staff_client.get(url(proposal, page="history"))).select("table button")
