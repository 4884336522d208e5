"""Admins delete a sector or theme that nothing uses (one added by mistake); one that any
priority, programme target, contribution, expert or request for input uses is refused with
what uses it, and can only be retired."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, soup, text
from tracker.auth.models import Role
from tracker.contributions.models import Contribution, ContributionKind, InputRequest, expert_sector
from tracker.extensions import db
from tracker.portfolio.models import ProgrammeTarget
from tracker.priorities.services import add_priority
from tracker.sectors import services
from tracker.sectors.models import Sector


def _priority(sector):
    add_priority(factories.make_proposal(), sector, Decimal("10"), "Why.", None)


def _target(sector):
    db.session.add(ProgrammeTarget(programme_id=factories.make_programme().id, sector_id=sector.id,
                                   share=Decimal("20")))


def _contribution(sector):
    db.session.add(Contribution(
        proposal_id=factories.make_proposal().id, sector_id=sector.id,
        author_id=factories.make_user(Role.EXPERT).id, kind=ContributionKind.COMMENT, title="A thought",
    ))


def _expert(sector):
    db.session.execute(expert_sector.insert().values(user_id=factories.make_user(Role.EXPERT).id,
                                                     sector_id=sector.id))


def _request(sector):
    db.session.add(InputRequest(proposal_id=factories.make_proposal().id, sector_id=sector.id,
                                due_on=date(2030, 1, 1)))


USES = {
    "priority": (_priority, "1 proposal priority"),
    "target": (_target, "1 programme target"),
    "contribution": (_contribution, "1 contribution"),
    "expert": (_expert, "1 expert who chose it"),
    "request": (_request, "1 request for input"),
}


def delete_button(response, sector):
    return soup(response).select_one(f"form[action='/admin/sectors/{sector.id}/delete'] button")


def test_an_admin_deletes_a_sector_nothing_uses(admin_client):
    mistake = factories.make_sector("Helth tech")
    page = admin_client.get("/admin/sectors")
    assert text(delete_button(page, mistake)) == "Delete Helth tech"

    response = admin_client.post(f"/admin/sectors/{mistake.id}/delete")

    assert response.status_code == 302
    assert "Helth tech has been deleted" in text(soup(admin_client.get(response.location)))
    assert db.session.scalar(select(func.count(Sector.id))) == 0
    [entry] = activities("sector.deleted")
    assert entry.summary == "Deleted sector Helth tech"
    assert entry.changes == {"name": "Helth tech", "kind": "sector"}


@pytest.mark.parametrize("use", USES, ids=USES.keys())
def test_a_used_sector_cannot_be_deleted(admin_client, use):
    make, words = USES[use]
    sector = factories.make_sector("Clean tech")
    make(sector)
    db.session.commit()
    assert delete_button(admin_client.get("/admin/sectors"), sector) is None

    response = admin_client.post(f"/admin/sectors/{sector.id}/delete")

    assert response.status_code == 409
    assert text(soup(response).select_one(".govuk-notification-banner")).endswith(
        f"Clean tech cannot be deleted: it is used by {words}. Retire it instead, so that it is no "
        "longer offered."
    )
    assert db.session.get(Sector, sector.id) is not None
    assert activities("sector.deleted") == []


def test_the_refusal_names_every_use():
    sector = factories.make_sector("Clean tech")
    for make, _ in USES.values():
        make(sector)
    _priority(sector)
    db.session.commit()
    assert services.uses_of(sector) == [
        "2 proposal priorities", "1 programme target", "1 contribution", "1 expert who chose it",
        "1 request for input",
    ]
    with pytest.raises(services.SectorInUse) as refused:
        services.delete_sector(sector, None)
    assert str(refused.value) == (
        "Clean tech cannot be deleted: it is used by 2 proposal priorities, 1 programme target, "
        "1 contribution, 1 expert who chose it and 1 request for input. Retire it instead, so that "
        "it is no longer offered."
    )


def test_only_the_unused_are_offered_for_deletion(admin_client):
    used, unused = factories.make_sector("Clean tech"), factories.make_sector("Digital")
    _priority(used)
    db.session.commit()
    assert services.used_sector_ids([used.id, unused.id]) == {used.id}
    page = admin_client.get("/admin/sectors")
    assert delete_button(page, used) is None and delete_button(page, unused) is not None
