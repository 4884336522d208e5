"""Staff responding to a contribution, through HTTP and the service: each outcome, the reason,
accepting a suggested change with and without a conflicting edit (and merging it), partly
accepting with edited text, two staff answering at once, who may answer, the frozen text,
the author's notification, and nothing half-saved on any refusal."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, error_summary, inline_error, input_value, soup, summary_list, text
from tests.test_sections import form_values, save, section_of
from tracker.auth.models import Role
from tracker.contributions import services
from tracker.contributions.models import (
    Contribution,
    ContributionKind,
    ContributionResponse,
    ContributionStatus,
)
from tracker.extensions import db
from tracker.notifications.models import Notification
from tracker.proposals.models import ProposalStage
from tracker.sections.models import SectionRevision

K, S = ContributionKind, ContributionStatus
SUGGESTED = "Supply chains may slip; we hold two suppliers."


@pytest.fixture
def world():
    """A proposal in co-creation with a written "risks" section (revision 1), an expert, a sector."""
    staff = factories.make_user(Role.STAFF)
    proposal = factories.make_proposal(
        owner=staff, stage=ProposalStage.CO_CREATION, input_closes_on=date.today() + timedelta(days=7)
    )
    save(proposal, "Supply chains may slip.", actor=staff)
    expert = factories.make_user(Role.EXPERT, organisation=factories.make_organisation())
    return {"proposal": proposal, "staff": staff, "expert": expert, "sector": factories.make_sector()}


def give(world, kind=K.COMMENT, title="A thought", **values):
    """The expert's input, through the service."""
    section = section_of(world["proposal"]) if kind is K.SUGGESTED_CHANGE else None
    contribution = services.submit_contribution(
        world["proposal"], world["expert"], kind=kind, title=title, body="Consider the supply chain.",
        sector=world["sector"], section=section, **values,
    )
    db.session.commit()
    return contribution


def suggestion(world, text=SUGGESTED):
    return give(world, K.SUGGESTED_CHANGE, title="Two suppliers", suggested_text=text)


def url(contribution) -> str:
    return f"/contributions/{contribution.id}"


def answer(client, contribution, **values):
    """Post the respond form as the page shows it, with `values` filled in."""
    page = client.get(url(contribution))
    assert page.status_code == 200
    return post(client, contribution, {**form_values(page), **values})


def post(client, contribution, data, query=""):
    return client.post(f"{url(contribution)}/respond{query}", data=data)


def fresh(contribution) -> Contribution:
    db.session.expire_all()
    return db.session.get(Contribution, contribution.id)


def nothing_saved(contribution, status=S.SUBMITTED, revisions=1):
    """No response, no notification, no new section revision, the status as it was."""
    assert fresh(contribution).status is status
    assert db.session.scalar(select(func.count(ContributionResponse.id))) == 0
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == contribution.author_id)) == 0
    assert db.session.scalar(select(func.count(SectionRevision.id))) == revisions


def response_to(contribution) -> ContributionResponse:
    return db.session.scalar(select(ContributionResponse).where(
        ContributionResponse.contribution_id == contribution.id))


def taken_in(world, contribution, outcome, text_, revision_number):
    """The response took `text_` into the section as its latest revision, linked from the response."""
    section = section_of(world["proposal"])
    assert (section.text, section.revision_number) == (text_, revision_number)
    saved = response_to(contribution)
    assert saved.outcome is outcome and fresh(contribution).status is outcome
    revision = db.session.get(SectionRevision, saved.revision_id)
    assert (revision.section_id, revision.number, revision.text) == (section.id, revision_number, text_)
    return saved, revision


def textarea(response, field_id) -> str:
    field = soup(response).find("textarea", id=field_id)
    assert field is not None, f"no textarea {field_id!r}"
    return field.get_text()


def label_of(response, field_id) -> str:
    return text(soup(response).find("label", attrs={"for": field_id}))


# The form on the page

def test_staff_see_the_form_with_the_suggested_text_to_edit(staff_client, world):
    contribution = suggestion(world)
    page = staff_client.get(url(contribution))
    radios = soup(page).select("input[name=outcome]")
    assert [radio["value"] for radio in radios] == ["accepted", "partly_accepted", "declined", "noted"]
    assert textarea(page, "reason") == ""
    assert "Required when you decline or partly accept" in text(soup(page))
    assert label_of(page, "final_text") == "The text you are taking in"
    assert textarea(page, "final_text") == SUGGESTED
    values = form_values(page)
    assert values["edit_version"] == str(contribution.version)
    assert values["seen_revision"] == ""


def test_a_comment_has_no_text_to_take_in(staff_client, world):
    page = staff_client.get(url(give(world)))
    assert soup(page).find("textarea", id="reason") is not None
    assert soup(page).find("textarea", id="final_text") is None


@pytest.mark.parametrize("role", [Role.BOARD, Role.EXPERT])
def test_board_members_and_experts_never_see_the_form(client_as, world, role):
    contribution = give(world)
    client = client_as(role)
    if role is Role.EXPERT:
        contribution.author_id = client.user.id  # the author's own input
        db.session.commit()
    page = client.get(url(contribution))
    assert page.status_code == 200
    assert soup(page).find("input", attrs={"name": "outcome"}) is None
    assert "Respond to this input" not in text(soup(page))


def test_answered_and_withdrawn_input_shows_no_form(staff_client, world):
    answered, withdrawn = give(world), give(world, title="Taken back")
    services.respond(answered, world["proposal"], outcome=S.NOTED, reason="", actor=world["staff"])
    services.withdraw_contribution(withdrawn, world["expert"], world["proposal"])
    db.session.commit()
    for contribution in (answered, withdrawn):
        assert soup(staff_client.get(url(contribution))).find("input", attrs={"name": "outcome"}) is None


# Each outcome

@pytest.mark.parametrize("outcome,reason", [
    (S.ACCEPTED, ""), (S.PARTLY_ACCEPTED, "Only the first half fits."),
    (S.DECLINED, "Out of scope for this bid."), (S.NOTED, ""),
])
def test_each_outcome_is_saved_and_the_author_told(staff_client, world, outcome, reason):
    contribution = give(world)
    response = answer(staff_client, contribution, outcome=outcome.value, reason=reason)
    assert response.status_code == 302
    assert response.headers["Location"] == url(contribution)
    assert fresh(contribution).status is outcome
    saved = response_to(contribution)
    assert (saved.outcome, saved.reason, saved.responder_id) == (outcome, reason, staff_client.user.id)
    assert saved.revision_id is None
    [note] = db.session.scalars(select(Notification).where(
        Notification.user_id == world["expert"].id)).all()
    assert note.message == f"Your input “A thought” was {outcome.label.lower()}"
    assert [entry.subject_id for entry in activities("contribution.answered")] == [contribution.id]

    page = staff_client.get(url(contribution))
    assert f"Response saved: {outcome.label}" in text(soup(page).select_one(".govuk-notification-banner"))
    shown = summary_list(page)
    assert shown["Outcome"] == outcome.label
    assert shown["Reason"] == (reason or "No reason given")
    assert soup(page).find("input", attrs={"name": "outcome"}) is None


def test_admins_respond_too(admin_client, world):
    contribution = give(world)
    assert answer(admin_client, contribution, outcome="noted").status_code == 302
    assert fresh(contribution).status is S.NOTED


def test_the_author_sees_the_response(client_as, world):
    contribution = give(world)
    services.respond(contribution, world["proposal"], outcome=S.DECLINED, reason="Out of scope",
                     actor=world["staff"])
    db.session.commit()
    author = world["expert"]
    client = client_as(Role.EXPERT)
    contribution.author_id = client.user.id
    db.session.commit()
    assert author.id != client.user.id
    shown = summary_list(client.get(url(contribution)))
    assert (shown["Outcome"], shown["Reason"]) == ("Declined", "Out of scope")


# Reasons and other missing answers

@pytest.mark.parametrize("outcome", [S.DECLINED, S.PARTLY_ACCEPTED])
def test_a_reason_is_required_to_decline_or_partly_accept(staff_client, world, outcome):
    contribution = give(world)
    response = answer(staff_client, contribution, outcome=outcome.value, reason="   ")
    assert response.status_code == 400
    message = f"Give a reason when input is {outcome.label.lower()}"
    assert inline_error(response, "reason") == message
    assert (message, "#reason") in error_summary(response)
    assert soup(response).select_one(f"input[name=outcome][value={outcome.value}]").has_attr("checked")
    nothing_saved(contribution)


def test_no_outcome_chosen_is_refused_in_place(staff_client, world):
    contribution = give(world)
    response = post(staff_client, contribution, {"reason": "Kept", "edit_version": contribution.version})
    assert response.status_code == 400
    assert inline_error(response, "outcome") == "Select accepted, partly accepted, declined or noted"
    assert ("Select accepted, partly accepted, declined or noted", "#outcome") in error_summary(response)
    assert textarea(response, "reason") == "Kept"
    nothing_saved(contribution)


def test_an_outcome_that_is_not_a_response_is_refused(staff_client, world):
    contribution = give(world)
    for value in ("withdrawn", "submitted", "nonsense"):
        response = answer(staff_client, contribution, outcome=value)
        assert response.status_code == 400 and inline_error(response, "outcome")
    nothing_saved(contribution)


# Accepting a suggested change

def test_accepting_a_suggested_change_makes_a_credited_revision(staff_client, world):
    contribution = suggestion(world)
    response = answer(staff_client, contribution, outcome="accepted")
    assert response.status_code == 302
    _, revision = taken_in(world, contribution, S.ACCEPTED, SUGGESTED, 2)
    assert revision.note == f"From input #{contribution.id}: Two suppliers"
    assert revision.author_id == staff_client.user.id

    page = staff_client.get(url(contribution))
    link = soup(page).find("a", string="Revision 2 of Risks")
    assert link is not None and link["href"].endswith("/sections/risks/compare?from=1&to=2")
    assert summary_list(page)["Changed"] == "Revision 2 of Risks"


def test_accepting_with_the_suggested_text_changed_asks_for_partly_accepted(staff_client, world):
    contribution = suggestion(world)
    response = answer(staff_client, contribution, outcome="accepted", final_text="Something else.")
    assert response.status_code == 400
    assert "choose partly accepted" in inline_error(response, "final_text")
    assert textarea(response, "final_text") == "Something else."
    nothing_saved(contribution)


def test_partly_accepting_takes_in_exactly_the_edited_text(staff_client, world):
    contribution = suggestion(world)
    taken = "Supply chains may slip;\nwe hold suppliers."
    response = answer(staff_client, contribution, outcome="partly_accepted",
                      reason="We keep one supplier in reserve.", final_text=taken.replace("\n", "\r\n"))
    assert response.status_code == 302
    saved, _ = taken_in(world, contribution, S.PARTLY_ACCEPTED, taken, 2)
    assert saved.reason == "We keep one supplier in reserve."


def test_partly_accepting_a_suggested_change_needs_the_text(staff_client, world):
    contribution = suggestion(world)
    response = answer(staff_client, contribution, outcome="partly_accepted", reason="Half",
                      final_text="  ")
    assert response.status_code == 400
    assert inline_error(response, "final_text") == "Enter the text you are taking in"
    nothing_saved(contribution)


def test_declining_a_suggested_change_leaves_the_section_alone(staff_client, world):
    contribution = suggestion(world)
    response = answer(staff_client, contribution, outcome="declined", reason="We prefer one supplier.")
    assert response.status_code == 302
    assert section_of(world["proposal"]).text == "Supply chains may slip."
    assert response_to(contribution).revision_id is None


# A section that changed since the suggestion

def conflicting(world):
    """A suggestion, then someone else's edit of its section (revision 2)."""
    contribution = suggestion(world)
    save(world["proposal"], "Supply chains and staffing may slip.")
    return contribution


def column_words(response, tag) -> list[str]:
    return [text(piece).replace("[added: ", "").replace("[removed: ", "").rstrip("]").strip()
            for piece in soup(response).select(f".tracker-comparison {tag}")]


def test_a_conflicting_edit_shows_both_changes_and_saves_nothing(staff_client, world):
    contribution = conflicting(world)
    response = answer(staff_client, contribution, outcome="accepted")
    assert response.status_code == 409
    nothing_saved(contribution, revisions=2)
    assert section_of(world["proposal"]).text == "Supply chains and staffing may slip."
    page = text(soup(response))
    assert "The section has changed since this suggestion was made" in page
    assert "What changed in the section since" in page and "What the expert suggested" in page
    assert "the section is now at revision 2" in page
    assert column_words(response, "ins") == ["and staffing", "slip; we hold two suppliers."]
    assert column_words(response, "del") == ["slip."]
    assert any("has changed since this suggestion" in message for message, _ in error_summary(response))
    assert label_of(response, "final_text") == "The text to save"
    assert textarea(response, "final_text") == SUGGESTED
    values = form_values(response)
    assert values["seen_revision"] == "2" and values["outcome"] == "accepted"
    assert soup(response).find("a", string="Compare revisions 1 and 2 of Risks") is not None

    merged = "Supply chains and staffing may slip; we hold two suppliers."
    done = post(staff_client, contribution, {**values, "final_text": merged})
    assert done.status_code == 302
    taken_in(world, contribution, S.ACCEPTED, merged, 3)


def test_the_section_changing_again_while_merging_conflicts_again(staff_client, world):
    contribution = conflicting(world)
    first = answer(staff_client, contribution, outcome="partly_accepted", reason="Merged by hand",
                   final_text="Supply chains may slip; we hold suppliers.")
    assert first.status_code == 409
    values = form_values(first)
    assert values["seen_revision"] == "2"
    assert values["final_text"] == "Supply chains may slip; we hold suppliers."  # what they typed stays
    save(world["proposal"], "Supply chains, staffing and energy may slip.")

    merged = "Supply chains and staffing may slip; we hold suppliers."
    again = post(staff_client, contribution, {**values, "final_text": merged})
    assert again.status_code == 409
    assert "The section changed again while you were merging" in text(soup(again))
    nothing_saved(contribution, revisions=3)
    assert section_of(world["proposal"]).text == "Supply chains, staffing and energy may slip."
    values = form_values(again)
    assert values["seen_revision"] == "3" and values["final_text"] == merged
    assert values["reason"] == "Merged by hand"
    assert "the section is now at revision 3" in text(soup(again))

    final = "Supply chains, staffing and energy may slip; we hold suppliers."
    assert post(staff_client, contribution, {**values, "final_text": final}).status_code == 302
    taken_in(world, contribution, S.PARTLY_ACCEPTED, final, 4)


def test_partly_accepting_over_a_changed_section_conflicts_too(staff_client, world):
    contribution = conflicting(world)
    response = answer(staff_client, contribution, outcome="partly_accepted", reason="Half",
                      final_text="Supply chains may slip; we hold suppliers.")
    assert response.status_code == 409
    nothing_saved(contribution, revisions=2)


def test_while_merging_the_text_to_save_is_required(staff_client, world):
    contribution = conflicting(world)
    values = form_values(answer(staff_client, contribution, outcome="accepted"))
    response = post(staff_client, contribution, {**values, "final_text": ""})
    assert response.status_code == 400
    assert inline_error(response, "final_text") == "Enter the text to save"
    assert "What changed in the section since" in text(soup(response))  # still shown
    nothing_saved(contribution, revisions=2)


def test_staff_may_choose_another_outcome_instead_of_merging(staff_client, world):
    contribution = conflicting(world)
    values = form_values(answer(staff_client, contribution, outcome="accepted"))
    done = post(staff_client, contribution, {**values, "outcome": "noted"})
    assert done.status_code == 302
    assert section_of(world["proposal"]).text == "Supply chains and staffing may slip."
    assert response_to(contribution).outcome is S.NOTED


def test_a_suggestion_for_an_empty_section_that_was_written_since_conflicts(staff_client, world):
    contribution = services.submit_contribution(
        world["proposal"], world["expert"], kind=K.SUGGESTED_CHANGE, title="A need", body="Why",
        sector=world["sector"], section=section_of(world["proposal"], "need"),
        suggested_text="Clinics wait months for diagnostics.",
    )
    db.session.commit()
    assert contribution.base_revision_number == 0
    save(world["proposal"], "Clinics lack diagnostics.", key="need")
    response = answer(staff_client, contribution, outcome="accepted")
    assert response.status_code == 409
    page = text(soup(response))
    assert "The suggestion started from the empty section of Need or challenge" in page
    assert "The empty section, where the suggestion started" in page
    assert column_words(response, "ins") == ["Clinics lack diagnostics.", "Clinics wait months for diagnostics."]
    nothing_saved(contribution, revisions=2)


# Two staff answering at once

def test_the_second_of_two_answers_gets_409_with_its_reason_kept(client_as, world):
    contribution = give(world)
    first, second = client_as(Role.STAFF), client_as(Role.STAFF)
    first_values = form_values(first.get(url(contribution)))
    second_values = form_values(second.get(url(contribution)))
    assert post(first, contribution, {**first_values, "outcome": "noted"}).status_code == 302

    late = post(second, contribution, {**second_values, "outcome": "declined",
                                       "reason": "Not for this bid, sorry."})
    assert late.status_code == 409
    page = text(soup(late))
    assert "This input has already been answered: noted" in page
    assert summary_list(late)["Outcome"] == "Noted"  # the first response
    assert "Your response, not saved" in page and "Declined" in page
    assert "Not for this bid, sorry." in page
    assert soup(late).find("input", attrs={"name": "outcome"}) is None
    saved = response_to(contribution)
    assert (saved.outcome, saved.responder_id) == (S.NOTED, first.user.id)
    assert db.session.scalar(select(func.count(ContributionResponse.id))) == 1
    assert db.session.scalar(select(func.count(Notification.id))) == 1


def test_input_that_changed_since_the_form_was_opened_gets_409(staff_client, world):
    contribution = give(world)
    values = form_values(staff_client.get(url(contribution)))
    services.mark_under_review(world["proposal"], [contribution.id], world["staff"])
    db.session.commit()
    stale = post(staff_client, contribution, {**values, "outcome": "declined", "reason": "Typed reason"})
    assert stale.status_code == 409
    assert any("changed while you were answering" in message for message, _ in error_summary(stale))
    assert textarea(stale, "reason") == "Typed reason"
    nothing_saved(contribution, status=S.UNDER_REVIEW)
    values = form_values(stale)
    assert values["edit_version"] == str(fresh(contribution).version)
    assert post(staff_client, contribution, values).status_code == 302
    assert fresh(contribution).status is S.DECLINED


def test_a_form_without_its_version_is_refused(staff_client, world):
    contribution = give(world)
    response = post(staff_client, contribution, {"outcome": "noted"})
    assert response.status_code == 409
    nothing_saved(contribution)


@pytest.mark.parametrize("status", [S.NOTED, S.WITHDRAWN])
def test_answered_or_withdrawn_input_cannot_be_answered(staff_client, world, status):
    contribution = give(world)
    if status is S.WITHDRAWN:
        services.withdraw_contribution(contribution, world["expert"], world["proposal"])
    else:
        services.respond(contribution, world["proposal"], outcome=status, reason="", actor=world["staff"])
    db.session.commit()
    before = db.session.scalar(select(func.count(Notification.id)))
    response = post(staff_client, contribution, {"outcome": "declined", "reason": "x",
                                                 "edit_version": fresh(contribution).version})
    assert response.status_code == 409
    assert fresh(contribution).status is status
    assert db.session.scalar(select(func.count(ContributionResponse.id))) == (status is S.NOTED)
    assert db.session.scalar(select(func.count(Notification.id))) == before
    message = "already been answered: noted" if status is S.NOTED else "This input is withdrawn: it cannot be answered"
    assert message in text(soup(response))


# Who may answer

def test_board_members_and_experts_are_refused(client_as, world):
    contribution = give(world)
    data = {"outcome": "noted", "edit_version": contribution.version}
    assert post(client_as(Role.BOARD), contribution, data).status_code == 403
    other = client_as(Role.EXPERT)
    assert post(other, contribution, data).status_code == 404  # cannot tell it exists
    author = client_as(Role.EXPERT)
    contribution.author_id = author.user.id
    db.session.commit()
    assert post(author, contribution, data).status_code == 403
    nothing_saved(contribution)

    services.respond(fresh(contribution), world["proposal"], outcome=S.NOTED, reason="",
                     actor=world["staff"])
    db.session.commit()
    assert post(other, contribution, data).status_code == 403  # answered: visible, still not theirs


def test_a_visitor_is_sent_to_sign_in(client, world):
    contribution = give(world)
    response = post(client, contribution, {"outcome": "noted"})
    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]
    nothing_saved(contribution)


def test_the_service_takes_answers_only_from_staff(world):
    contribution = give(world)
    with pytest.raises(services.ContributionRefused, match="Only staff"):
        services.respond(contribution, world["proposal"], outcome=S.NOTED, reason="",
                         actor=world["expert"])


# After co-creation

def test_input_can_still_be_answered_in_board_review(staff_client, world):
    contribution = suggestion(world)
    world["proposal"].stage = ProposalStage.BOARD_REVIEW
    db.session.commit()
    assert answer(staff_client, contribution, outcome="accepted").status_code == 302
    taken_in(world, contribution, S.ACCEPTED, SUGGESTED, 2)


def test_a_frozen_proposal_takes_no_suggested_change_in(staff_client, world):
    contribution = suggestion(world)
    world["proposal"].stage = ProposalStage.SUBMITTED
    db.session.commit()
    page = staff_client.get(url(contribution))
    assert "its text is frozen" in text(soup(page))
    assert soup(page).find("textarea", id="final_text") is None

    refused = answer(staff_client, contribution, outcome="accepted")
    assert refused.status_code == 409
    assert any("its text is frozen" in message for message, _ in error_summary(refused))
    nothing_saved(contribution)

    assert answer(staff_client, contribution, outcome="declined", reason="Too late").status_code == 302
    assert fresh(contribution).status is S.DECLINED
    assert section_of(world["proposal"]).text == "Supply chains may slip."


def test_the_service_refuses_to_take_text_into_a_frozen_proposal(world):
    contribution = suggestion(world)
    world["proposal"].stage = ProposalStage.SUBMITTED
    with pytest.raises(services.ContributionRefused, match="frozen"):
        services.respond(contribution, world["proposal"], outcome=S.PARTLY_ACCEPTED, reason="Half",
                         actor=world["staff"], final_text="Supply chains may slip; we hold.")


def test_the_service_checks_the_revision_the_merged_text_was_written_against(world):
    contribution = suggestion(world)
    save(world["proposal"], "Supply chains and staffing may slip.")
    with pytest.raises(services.SuggestionConflict):
        services.respond(fresh(contribution), world["proposal"], outcome=S.ACCEPTED, reason="",
                         actor=world["staff"], final_text="Merged.", seen_revision=1)
    db.session.rollback()
    response = services.respond(fresh(contribution), world["proposal"], outcome=S.ACCEPTED, reason="",
                                actor=world["staff"], final_text="Merged.", seen_revision=2)
    db.session.commit()
    assert db.session.get(SectionRevision, response.revision_id).text == "Merged."


# Where staff go next

def test_a_safe_next_address_returns_staff_to_the_triage_page(staff_client, world):
    contribution = give(world)
    triage = f"/proposals/{world['proposal'].id}/contributions"
    page = staff_client.get(f"{url(contribution)}?next={triage}")
    action = soup(page).select_one("main form[method=post]")["action"]
    assert action == f"{url(contribution)}/respond?next={triage}"
    response = post(staff_client, contribution, {**form_values(page), "outcome": "noted"},
                    query=f"?next={triage}")
    assert response.headers["Location"] == triage


def test_an_address_elsewhere_is_not_followed(staff_client, world):
    contribution = give(world)
    values = form_values(staff_client.get(url(contribution)))
    response = post(staff_client, contribution, {**values, "outcome": "noted"},
                    query="?next=https://evil.example/")
    assert response.headers["Location"] == url(contribution)


def test_the_form_works_with_csrf_protection(staff_client, world, csrf_on):
    contribution = give(world)
    page = staff_client.get(url(contribution))
    assert input_value(page, "outcome")  # the radios render
    assert answer(staff_client, contribution, outcome="noted").status_code == 302
    refused = post(staff_client, give(world, title="Other"), {"outcome": "noted"})
    assert refused.status_code == 400
