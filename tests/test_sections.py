"""Sections: reading one per role, editing it into revisions, the word limit, two people
editing at once (409), and the frozen text of a submitted proposal.

History, compare and restore are in test_sections_history.py; the XSS corpus in
test_sections_xss.py; counting and comparing words in test_sections_text.py."""

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, inline_error, soup, summary_errors, summary_list, text
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.notifications.services import is_following
from tracker.proposals.models import ProposalStage
from tracker.sections.models import Section, SectionRevision, SectionState
from tracker.sections.queries import section_by_key
from tracker.sections.services import save_section

KEY = "risks"


# Helpers shared by the test_sections_*.py modules.

def section_of(proposal, key: str = KEY) -> Section:
    """The proposal's section, fresh from the database."""
    db.session.expire_all()
    return section_by_key(proposal.id, key)


def save(proposal, text: str, actor=None, key: str = KEY, note: str = "",
         state: SectionState = SectionState.IN_PROGRESS) -> SectionRevision | None:
    """Save a section through the service, as someone else's edit would, and commit."""
    section = section_of(proposal, key)
    revision = save_section(
        section, text=text, note=note, assignee_id=section.assignee_id, state=state,
        started_from=section.version, actor=actor or factories.make_user(Role.STAFF),
        proposal=proposal,
    )
    db.session.commit()
    return revision


def revisions(proposal, key: str = KEY) -> list[SectionRevision]:
    """The section's revisions, oldest first."""
    db.session.expire_all()
    return list(db.session.scalars(
        select(SectionRevision)
        .join(Section)
        .where(Section.proposal_id == proposal.id, Section.key == key)
        .order_by(SectionRevision.number)
    ))


def form_values(response) -> dict[str, str]:
    """What the page's form would send as it stands: inputs, textareas, selects and radios."""
    form = soup(response).select_one("main form[method=post]")
    values = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name:
            continue
        if field.name == "textarea":
            values[name] = field.get_text()
        elif field.name == "select":
            chosen = field.find("option", selected=True)
            values[name] = chosen["value"] if chosen else ""
        elif field.get("type") == "radio":
            if field.has_attr("checked"):
                values[name] = field["value"]
        else:
            values[name] = field.get("value", "")
    return values


def url(proposal, key: str = KEY, page: str = "") -> str:
    return f"/proposals/{proposal.id}/sections/{key}" + (f"/{page}" if page else "")


@pytest.fixture
def proposal():
    return factories.make_proposal(title="Health tech accelerator")


# Reading a section

def test_staff_read_the_text_state_words_assignee_and_latest_revision(staff_client, proposal):
    writer = factories.make_user(Role.STAFF, name="Priya Patel")
    save(proposal, "Supply chains **may** slip.", actor=writer, note="First draft")
    section = section_of(proposal)
    section.assignee_id = writer.id
    db.session.commit()

    response = staff_client.get(url(proposal))

    assert response.status_code == 200
    page = soup(response)
    assert text(page.h1) == "Risks"
    assert text(page.select_one(".govuk-caption-l")) == "Health tech accelerator"
    rows = summary_list(response)
    assert rows["State"] == "In progress"
    assert rows["Words"] == "4 of 400 words"
    assert rows["Assigned to"] == "Priya Patel"
    assert rows["Latest revision"].startswith("Revision 1, saved by Priya Patel on ")
    assert page.select_one(".tracker-prose strong").get_text() == "may"
    links = {text(link): link["href"] for link in page.select("main a")}
    assert links["Edit Risks"] == url(proposal, page="edit")
    assert links["History of Risks: every saved revision"] == url(proposal, page="history")


def test_a_section_never_saved_says_so(staff_client, proposal):
    response = staff_client.get(url(proposal))
    rows = summary_list(response)
    assert rows["Latest revision"] == "None yet: nothing has been saved"
    assert rows["Assigned to"] == "Nobody"
    assert rows["State"] == "Not started"
    assert "No text yet." in text(soup(response).main)


def test_over_the_limit_is_said_in_words_not_only_colour(staff_client, proposal):
    section = section_of(proposal)
    section.word_limit = 3
    db.session.commit()
    save(proposal, "one two three four five")

    response = staff_client.get(url(proposal))

    assert summary_list(response)["Words"] == "5 of 3 words 2 over the limit"


@pytest.mark.parametrize("role,stage", [
    (Role.BOARD, ProposalStage.DRAFT),
    (Role.EXPERT, ProposalStage.CO_CREATION),  # experts only while it is open for their input
])
def test_board_and_experts_read_a_section_but_cannot_edit_it(client_as, role, stage):
    reader = client_as(role)
    proposal = factories.make_proposal(stage=stage)
    save(proposal, "Text they read.")
    response = reader.get(url(proposal))
    assert response.status_code == 200
    assert "Text they read." in text(soup(response).main)
    assert not soup(response).find("a", href=url(proposal, page="edit"))
    assert reader.get(url(proposal, page="history")).status_code == 200
    assert reader.get(url(proposal, page="edit")).status_code == 403


def test_experts_cannot_read_a_draft_section(expert_client, proposal):
    assert expert_client.get(url(proposal)).status_code == 403
    assert expert_client.get(url(proposal, page="history")).status_code == 403
    assert expert_client.get(url(proposal, page="compare?from=1&to=1")).status_code == 403


def test_a_section_that_does_not_exist_is_not_found(staff_client, proposal):
    assert staff_client.get(url(proposal, key="no-such-section")).status_code == 404
    assert staff_client.get(url(proposal, key="no-such-section", page="edit")).status_code == 404


# Editing

def edit(client, proposal, **changes):
    """Open the edit form as the person would, change some answers and save."""
    data = form_values(client.get(url(proposal, page="edit"))) | changes
    return client.post(url(proposal, page="edit"), data=data)


def test_the_edit_form_starts_from_the_saved_section(staff_client, proposal):
    save(proposal, "Saved words here.")
    response = staff_client.get(url(proposal, page="edit"))
    values = form_values(response)
    assert values["text"] == "Saved words here."
    assert values["state"] == "in_progress"
    assert values["assignee_id"] == ""
    assert values["edit_version"] == str(section_of(proposal).version)
    assert text(soup(response).h1) == "Edit Risks"


def test_each_save_of_new_text_is_a_new_revision(staff_client, proposal):
    first = edit(staff_client, proposal, text="Delays in the supply chain.", note="First go")
    assert first.status_code == 302
    assert first.location == url(proposal)
    second = edit(staff_client, proposal, text="Delays in the supply chain, and staff turnover.")

    assert second.status_code == 302
    saved = revisions(proposal)
    assert [(r.number, r.text, r.word_count, r.note, r.author_id) for r in saved] == [
        (1, "Delays in the supply chain.", 5, "First go", staff_client.user.id),
        (2, "Delays in the supply chain, and staff turnover.", 8, "", staff_client.user.id),
    ]
    section = section_of(proposal)
    assert (section.text, section.word_count, section.revision_number) == (saved[1].text, 8, 2)
    page = staff_client.get(url(proposal))
    assert "Risks has been saved as revision 2" in text(soup(page).main)


def test_saving_the_same_text_makes_no_new_revision(staff_client, proposal):
    save(proposal, "Unchanged words.")
    response = edit(staff_client, proposal)
    assert response.status_code == 302
    assert [r.number for r in revisions(proposal)] == [1]
    assert activities("section.saved") and len(activities("section.saved")) == 1  # the first save only
    page = staff_client.get(url(proposal))
    assert "Risks has been saved (its text did not change)" in text(soup(page).main)


def test_line_endings_typed_in_a_browser_are_not_a_change(staff_client, proposal):
    save(proposal, "One paragraph.\n\nAnother.")
    edit(staff_client, proposal, text="One paragraph.\r\n\r\nAnother.")
    assert [r.number for r in revisions(proposal)] == [1]


def test_a_new_assignee_and_state_are_saved_with_an_activity(staff_client, proposal):
    writer = factories.make_user(Role.STAFF, name="Priya Patel")
    save(proposal, "Some words.")

    response = edit(staff_client, proposal, assignee_id=str(writer.id), state="complete")

    assert response.status_code == 302
    section = section_of(proposal)
    assert (section.assignee_id, section.state) == (writer.id, SectionState.COMPLETE)
    assert [r.number for r in revisions(proposal)] == [1]
    entry = activities("section.saved")[-1]
    assert entry.actor_id == staff_client.user.id
    assert entry.proposal_id == proposal.id
    assert entry.changes == {"assignee_id": [None, writer.id], "state": ["in_progress", "complete"]}
    assert is_following(writer, proposal)


def test_the_assignee_list_offers_active_staff_and_admins(staff_client, proposal):
    factories.make_user(Role.STAFF, name="Active Staff")
    factories.make_user(Role.ADMIN, name="An Admin")
    factories.make_user(Role.STAFF, name="Gone Staff", active=False)
    factories.make_user(Role.EXPERT, name="An Expert")
    factories.make_user(Role.BOARD, name="A Board Member")

    page = soup(staff_client.get(url(proposal, page="edit")))

    offered = [text(option) for option in page.select("select#assignee_id option")]
    assert offered[0] == "Nobody"
    assert {"Active Staff", "An Admin", staff_client.user.name} <= set(offered)
    assert not {"Gone Staff", "An Expert", "A Board Member"} & set(offered)


def test_an_assignee_not_offered_is_refused_in_place(staff_client, proposal):
    expert = factories.make_user(Role.EXPERT)
    response = edit(staff_client, proposal, text="Kept text.", assignee_id=str(expert.id))
    assert response.status_code == 200
    assert summary_errors(response) == ["Select a member of staff from the list, or Nobody"]
    assert form_values(response)["text"] == "Kept text."
    assert revisions(proposal) == []


def test_a_state_must_be_chosen(staff_client, proposal):
    data = form_values(staff_client.get(url(proposal, page="edit")))
    del data["state"]
    response = staff_client.post(url(proposal, page="edit"), data=data | {"state": "finished"})
    assert response.status_code == 200
    assert inline_error(response, "state") == (
        "Select whether the section is not started, in progress or complete"
    )
    assert revisions(proposal) == []


def test_over_the_limit_can_be_saved_but_not_marked_complete(staff_client, proposal):
    section = section_of(proposal)
    section.word_limit = 3
    db.session.commit()
    too_long = "one two three four"

    refused = edit(staff_client, proposal, text=too_long, state="complete", note="Nearly done")

    assert refused.status_code == 200
    message = "Risks has 4 words, over its limit of 3: shorten it before marking it complete"
    assert inline_error(refused, "state") == message
    assert summary_errors(refused) == [message]
    assert form_values(refused)["text"] == too_long
    assert form_values(refused)["note"] == "Nearly done"
    assert "You have 4 words of 3: 1 over the limit" in text(soup(refused).main)
    assert revisions(proposal) == []
    assert section_of(proposal).state is SectionState.NOT_STARTED
    assert activities("section.saved") == []

    saved = edit(staff_client, proposal, text=too_long, state="in_progress")
    assert saved.status_code == 302
    assert [r.word_count for r in revisions(proposal)] == [4]


def test_the_word_count_shows_without_javascript_and_is_ready_for_it(staff_client, proposal):
    save(proposal, "Three words here.")
    page = soup(staff_client.get(url(proposal, page="edit")))
    container = page.select_one('[data-module="tracker-word-count"]')
    assert container["data-word-limit"] == "400"
    assert container.select_one("textarea#text")
    message = container.select_one("#text-word-count")
    assert text(message) == "You have 3 words of 400"
    assert message["aria-live"] == "polite"


# Two people editing at once

def test_two_people_editing_never_lose_work(client_as, proposal):
    save(proposal, "The quick brown fox.")
    first, second = client_as(Role.STAFF), client_as(Role.STAFF, name="Sam Second")
    first_form = form_values(first.get(url(proposal, page="edit")))
    second_form = form_values(second.get(url(proposal, page="edit")))

    saved = first.post(url(proposal, page="edit"), data=first_form | {"text": "The slow brown fox."})
    late = second.post(url(proposal, page="edit"), data=second_form | {"text": "The quick red fox."})

    assert saved.status_code == 302
    assert late.status_code == 409
    assert "Someone else changed this section while you were editing it" in summary_errors(late)[0]
    kept = form_values(late)
    assert kept["text"] == "The quick red fox."
    assert kept["edit_version"] == str(section_of(proposal).version)
    page = soup(late)
    theirs, mine = page.select(".tracker-comparison__text")
    assert [d.get_text() for d in theirs.find_all("del")] == ["[removed: slow brown]"]
    assert [i.get_text() for i in mine.find_all("ins")] == ["[added: quick red]"]
    assert theirs.get_text() == "The [removed: slow brown] fox."
    assert mine.get_text() == "The [added: quick red] fox."
    section = section_of(proposal)
    assert section.text == "The slow brown fox."
    assert [r.text for r in revisions(proposal)] == ["The quick brown fox.", "The slow brown fox."]

    again = second.post(url(proposal, page="edit"), data=kept)
    assert again.status_code == 302
    assert section_of(proposal).text == "The quick red fox."


def test_a_conflict_shows_a_changed_assignee_and_state_too(client_as, proposal):
    writer = factories.make_user(Role.STAFF, name="Priya Patel")
    save(proposal, "Words.")
    stale = form_values(client_as(Role.STAFF).get(url(proposal, page="edit")))
    other = client_as(Role.STAFF)
    edit(other, proposal, assignee_id=str(writer.id), state="complete")

    late = other.post(url(proposal, page="edit"), data=stale)

    assert late.status_code == 409
    table = soup(late).select_one("table.tracker-conflicts")
    rows = {text(row.th): [text(td) for td in row.find_all("td")] for row in table.tbody.find_all("tr")}
    assert rows == {"Assigned to": ["Priya Patel", "Nobody"], "State": ["Complete", "In progress"]}
    assert "The two texts are the same." in text(soup(late).main)
    assert section_of(proposal).assignee_id == writer.id


def test_a_save_that_does_not_say_where_it_started_is_a_conflict(staff_client, proposal):
    data = form_values(staff_client.get(url(proposal, page="edit")))
    del data["edit_version"]
    response = staff_client.post(url(proposal, page="edit"), data=data | {"text": "Mine."})
    assert response.status_code == 409
    assert revisions(proposal) == []


# Frozen after submission

@pytest.mark.parametrize("stage", [ProposalStage.SUBMITTED, ProposalStage.UNDER_ASSESSMENT])
def test_a_submitted_proposals_sections_are_read_only(staff_client, stage):
    proposal = factories.make_proposal(stage=ProposalStage.DRAFT)
    save(proposal, "Submitted words.")
    proposal.stage = stage
    db.session.commit()

    page = staff_client.get(url(proposal))
    assert page.status_code == 200
    assert "This section is read-only" in text(soup(page).main)
    assert not soup(page).find("a", href=url(proposal, page="edit"))

    form = staff_client.get(url(proposal, page="edit"))
    refused = staff_client.post(url(proposal, page="edit"), data={
        "text": "Changed after submission.", "state": "complete", "edit_version": "1",
    })

    for response in (form, refused):
        assert response.status_code == 403
        assert (
            f"Risks cannot be changed: {proposal.title} is at {stage.label}, and a proposal's "
            "text is read-only from submission on."
        ) in text(soup(response).select_one(".govuk-notification-banner"))
    section = section_of(proposal)
    assert (section.text, section.revision_number) == ("Submitted words.", 1)
    assert db.session.scalar(select(func.count(SectionRevision.id))) == 1
