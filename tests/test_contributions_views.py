"""Experts' input through HTTP: giving it (with files), reading it, changing and withdrawing it,
downloading its files, the window, id-guessing, and /me/contributions."""

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.test_sections import save
from tests.pages import inline_error, input_value, soup, summary_errors, text
from tracker.auth.models import Role
from tracker.contributions import files, services
from tracker.contributions.models import (
    Attachment,
    Contribution,
    ContributionEdit,
    ContributionKind,
    ContributionStatus,
)
from tracker.extensions import db
from tracker.proposals.models import ProposalStage

PDF = b"%PDF-1.4\n% a small test file\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    """Attachments go under a fresh instance folder for the test."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    yield tmp_path / "uploads"


@pytest.fixture
def world(uploads):
    """A proposal in co-creation (open for a week) with a written "risks" section, and a sector."""
    staff = factories.make_user(Role.STAFF)
    proposal = factories.make_proposal(
        owner=staff, stage=ProposalStage.CO_CREATION, input_closes_on=date.today() + timedelta(days=7)
    )
    save(proposal, "Supply chains may slip.", actor=staff)
    return {"proposal": proposal, "sector": factories.make_sector(),
            "staff": staff, "uploads": uploads}


def new_url(world):
    return f"/proposals/{world['proposal'].id}/contributions/new"


def form_data(world, **values):
    data = {"kind": "comment", "section": "", "sector_id": str(world["sector"].id),
            "title": "Think about suppliers", "body": "Two suppliers **closed** this year."}
    data.update(values)
    return data


def give(client, world, attachments=(), **values):
    data = form_data(world, **values)
    if attachments:
        data["attachments"] = [(io.BytesIO(content), name) for name, content in attachments]
    return client.post(new_url(world), data=data, content_type="multipart/form-data")


def textarea_value(response, field_id):
    return soup(response).find("textarea", id=field_id).text


def stored_files(world):
    directory = world["uploads"]
    return sorted(directory.iterdir()) if directory.exists() else []


def contribution_by(user, world, **values):
    contribution = services.submit_contribution(
        world["proposal"], user, kind=ContributionKind.COMMENT, title=values.get("title", "Theirs"),
        body="Their input", sector=world["sector"],
    )
    db.session.commit()
    return contribution


def test_an_expert_gives_input_with_a_file_and_reads_it_back(expert_client, world):
    page = expert_client.get(new_url(world))
    assert page.status_code == 200
    assert soup(page).find("form", enctype="multipart/form-data") is not None

    response = give(expert_client, world, attachments=[("evidence.pdf", PDF)])
    assert response.status_code == 302
    contribution = db.session.scalar(select(Contribution))
    assert contribution.author_id == expert_client.user.id
    assert contribution.status is ContributionStatus.SUBMITTED
    attachment = db.session.scalar(select(Attachment))
    assert attachment.contribution_id == contribution.id and attachment.display_name == "evidence.pdf"
    assert attachment.stored_name != "evidence.pdf"
    assert [path.name for path in stored_files(world)] == [attachment.stored_name]

    shown = expert_client.get(response.headers["Location"])
    assert shown.status_code == 200
    page = soup(shown)
    assert page.find("strong", string="closed") is not None  # the Markdown is rendered
    assert "Submitted" in text(page) and "evidence.pdf" in text(page)

    download = expert_client.get(f"/contributions/{contribution.id}/attachments/{attachment.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "evidence.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()

    mine = expert_client.get("/me/contributions")
    assert "Think about suppliers" in text(soup(mine)) and "Not answered yet" in text(soup(mine))


def test_a_suggested_change_starts_from_the_section_and_shows_word_by_word(expert_client, world):
    page = expert_client.get(new_url(world) + "?kind=suggested_change&section=risks")
    assert textarea_value(page, "suggested_text") == "Supply chains may slip."

    # Chosen without any text: the form comes back with the section's text to edit.
    refused = give(expert_client, world, kind="suggested_change", section="risks", suggested_text="")
    assert refused.status_code == 200
    assert "Edit the section's current text" in inline_error(refused, "suggested_text")
    assert textarea_value(refused, "suggested_text") == "Supply chains may slip."

    same = give(expert_client, world, kind="suggested_change", section="risks",
                suggested_text="Supply chains may slip.")
    assert "Change the section's text" in inline_error(same, "suggested_text")
    assert db.session.scalar(select(func.count(Contribution.id))) == 0

    response = give(expert_client, world, kind="suggested_change", section="risks",
                    suggested_text="Supply chains\r\nwill slip.")
    assert response.status_code == 302
    contribution = db.session.scalar(select(Contribution))
    assert contribution.suggested_text == "Supply chains\nwill slip."
    assert contribution.base_revision_number == 1
    page = soup(expert_client.get(f"/contributions/{contribution.id}"))
    removed = " ".join(text(tag) for tag in page.select(".tracker-comparison del"))
    added = " ".join(text(tag) for tag in page.select(".tracker-comparison ins"))
    assert "may" in removed and "will" not in removed
    assert "will" in added and "may" not in added


def test_missing_answers_are_shown_in_place(expert_client, world):
    response = give(expert_client, world, kind="", sector_id="", title="", body="")
    assert response.status_code == 200
    assert inline_error(response, "kind") and inline_error(response, "sector_id")
    assert inline_error(response, "title") and inline_error(response, "body")
    assert db.session.scalar(select(func.count(Contribution.id))) == 0


@pytest.mark.parametrize("attachments,message", [
    ([("evidence.pdf", b"MZ not a pdf at all")], "is not a PDF"),
    ([("evidence.png", PDF)], "does not match its name"),
    ([("../evidence.pdf", PDF)], "folder parts"),
    ([(f"file{n}.pdf", PDF) for n in range(6)], "at most 5 attachments"),
])
def test_a_refused_file_saves_nothing(expert_client, world, attachments, message):
    response = give(expert_client, world, attachments=attachments)
    assert response.status_code == 200
    assert any(message in error for error in summary_errors(response))
    assert db.session.scalar(select(func.count(Contribution.id))) == 0
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert stored_files(world) == []
    assert input_value(response, "title") == "Think about suppliers"


def test_a_file_over_the_size_limit_is_refused(expert_client, world, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 20)
    response = give(expert_client, world, attachments=[("big.pdf", PDF)])
    assert any("big.pdf is over" in error for error in summary_errors(response))
    assert db.session.scalar(select(func.count(Contribution.id))) == 0
    assert stored_files(world) == []


def test_files_are_removed_when_the_input_cannot_be_saved(expert_client, world, monkeypatch):
    def broken_commit():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        give(expert_client, world, attachments=[("a.pdf", PDF), ("b.png", PNG)])
    monkeypatch.undo()
    db.session.rollback()
    assert db.session.scalar(select(func.count(Contribution.id))) == 0
    assert stored_files(world) == []


@pytest.mark.parametrize("change,message", [
    ({"input_closes_on": date.today() - timedelta(days=1)}, "Input on this proposal closed on"),
])
def test_after_the_close_date_the_form_says_input_is_closed(expert_client, world, change, message):
    for key, value in change.items():
        setattr(world["proposal"], key, value)
    db.session.commit()
    for response in (expert_client.get(new_url(world)), give(expert_client, world)):
        assert response.status_code == 403
        assert message in text(soup(response))
    assert db.session.scalar(select(func.count(Contribution.id))) == 0


def test_the_last_day_is_still_open(expert_client, world):
    world["proposal"].input_closes_on = date.today()
    db.session.commit()
    assert give(expert_client, world).status_code == 302


def test_a_proposal_at_another_stage_is_not_open_to_experts(expert_client, world):
    world["proposal"].stage = ProposalStage.BOARD_REVIEW
    db.session.commit()
    assert expert_client.get(new_url(world)).status_code == 403
    assert give(expert_client, world).status_code == 403


def test_the_author_edits_until_review_starts_and_each_edit_is_kept(expert_client, world):
    contribution = contribution_by(expert_client.user, world)
    url = f"/contributions/{contribution.id}/edit"
    page = expert_client.get(url)
    assert input_value(page, "title") == "Theirs"
    response = expert_client.post(url, data={"title": "Better", "body": "Clearer",
                                             "edit_version": contribution.version})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contribution, contribution.id).title == "Better"
    assert db.session.scalar(select(ContributionEdit.title)) == "Theirs"
    assert "Changed 1 time" in text(soup(expert_client.get(f"/contributions/{contribution.id}")))

    stale = expert_client.post(url, data={"title": "Typed", "body": "Mine",
                                          "edit_version": contribution.version - 1})
    assert stale.status_code == 409
    assert input_value(stale, "title") == "Typed"

    services.mark_under_review(world["proposal"], [contribution.id], world["staff"])
    db.session.commit()
    refused = expert_client.post(url, data={"title": "Late", "body": "x", "edit_version": 99})
    assert refused.status_code == 403
    assert "under review" in text(soup(refused))
    assert expert_client.post(f"/contributions/{contribution.id}/withdraw").status_code == 403


def test_the_author_withdraws_their_input(expert_client, world):
    contribution = contribution_by(expert_client.user, world)
    response = expert_client.post(f"/contributions/{contribution.id}/withdraw")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contribution, contribution.id).status is ContributionStatus.WITHDRAWN


def test_changes_are_refused_once_input_has_closed(expert_client, world):
    contribution = contribution_by(expert_client.user, world)
    world["proposal"].input_closes_on = date.today() - timedelta(days=1)
    db.session.commit()
    response = expert_client.get(f"/contributions/{contribution.id}/edit")
    assert response.status_code == 403 and "has closed" in text(soup(response))


def test_another_expert_cannot_guess_an_unanswered_contributions_id(client_as, world):
    author = factories.make_user(Role.EXPERT)
    contribution = contribution_by(author, world)
    directory = world["uploads"]
    checked = files.check_upload("evidence.pdf", PDF, 0)
    attachment = Attachment(contribution_id=contribution.id, display_name="evidence.pdf",
                            stored_name=files.store(directory, checked, PDF), kind="pdf",
                            media_type="application/pdf", size=checked.size, sha256=checked.sha256)
    db.session.add(attachment)
    db.session.commit()
    base = f"/contributions/{contribution.id}"
    download = f"{base}/attachments/{attachment.id}"

    other = client_as(Role.EXPERT)
    assert other.get(base).status_code == 404
    assert other.get(f"{base}/edit").status_code == 404
    assert other.post(f"{base}/edit", data={"title": "Mine now", "body": "x"}).status_code == 404
    assert other.post(f"{base}/withdraw").status_code == 404
    assert other.get(download).status_code == 404
    db.session.expire_all()
    assert db.session.get(Contribution, contribution.id).status is ContributionStatus.SUBMITTED

    for role in (Role.STAFF, Role.BOARD):
        reader = client_as(role)
        assert reader.get(base).status_code == 200
        response = reader.get(download)
        assert response.status_code == 200 and response.data == PDF
        response.close()

    services.respond(contribution, world["proposal"], outcome=ContributionStatus.NOTED, reason="",
                     actor=world["staff"])
    db.session.commit()
    assert other.get(base).status_code == 200  # answered: visible to experts on an open proposal
    assert other.get(f"{base}/edit").status_code == 404


def test_an_attachment_of_another_contribution_is_not_found(expert_client, world):
    mine = contribution_by(expert_client.user, world)
    theirs = contribution_by(factories.make_user(Role.EXPERT), world)
    attachment = Attachment(contribution_id=theirs.id, display_name="x.pdf", stored_name="a" * 32 + ".pdf",
                            kind="pdf", media_type="application/pdf", size=1, sha256="0" * 64)
    db.session.add(attachment)
    db.session.commit()
    assert expert_client.get(f"/contributions/{mine.id}/attachments/{attachment.id}").status_code == 404


def test_the_author_still_sees_their_input_when_the_proposal_moves_on(expert_client, world):
    contribution = contribution_by(expert_client.user, world)
    world["proposal"].stage = ProposalStage.BOARD_REVIEW
    db.session.commit()
    assert expert_client.get(f"/contributions/{contribution.id}").status_code == 200
    assert "Theirs" in text(soup(expert_client.get("/me/contributions")))


def test_my_contributions_shows_the_response_and_only_mine(expert_client, world):
    mine = contribution_by(expert_client.user, world, title="Mine")
    contribution_by(factories.make_user(Role.EXPERT), world, title="Someone else's")
    services.respond(mine, world["proposal"], outcome=ContributionStatus.DECLINED,
                     reason="Out of scope", actor=world["staff"])
    db.session.commit()
    page = text(soup(expert_client.get("/me/contributions")))
    assert "Mine" in page and "Declined: Out of scope" in page
    assert "Someone else's" not in page


def test_a_section_page_offers_experts_a_suggested_change_while_input_is_open(world, client_as):
    """The section page's "Suggest a change" starts the form from that section; staff, and
    experts after the close date, are not offered it."""
    proposal = world["proposal"]
    expert, staff = client_as(Role.EXPERT), client_as(Role.STAFF)
    section_url = f"/proposals/{proposal.id}/sections/risks"

    [link] = soup(expert.get(section_url)).find_all("a", string="Suggest a change to Risks")
    assert link["href"] == f"{new_url(world)}?kind=suggested_change&section=risks"
    started = expert.get(link["href"])
    assert text(soup(started).select_one("textarea#suggested_text")) == "Supply chains may slip."
    assert "Suggest a change" not in text(soup(staff.get(section_url)).main)

    proposal.input_closes_on = date.today() - timedelta(days=1)
    db.session.commit()
    assert "Suggest a change" not in text(soup(expert.get(section_url)).main)
