"""A programme's targets: staff set the whole set in one form (a share per sector or theme in
use, blank for none); over 100% in all, a negative share, a new target on a retired sector and
a stale form are refused and nothing is saved; each change is one activity entry."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from tests import factories
from tests.pages import activities, error_summary, inline_error, input_value, soup, text
from tracker.extensions import db
from tracker.portfolio.models import ProgrammeTarget
from tracker.portfolio.services import TargetsRefused, set_targets
from tracker.concurrency import EditConflict
from tracker.programmes.models import Programme
from tracker.sectors.models import SectorKind


@pytest.fixture
def world():
    programme = factories.make_programme("West Midlands")
    return {
        "programme": programme,
        "health": factories.make_sector("Health tech"),
        "clean": factories.make_sector("Clean tech"),
        "skills": factories.make_sector("Skills", kind=SectorKind.THEME),
        "retired": factories.make_sector("Old sector", retired=True),
    }


def url(programme) -> str:
    return f"/programmes/{programme.id}/targets"


def saved(programme) -> dict[str, Decimal]:
    db.session.expire_all()
    rows = db.session.execute(
        select(ProgrammeTarget.sector_id, ProgrammeTarget.share)
        .where(ProgrammeTarget.programme_id == programme.id)
    )
    return {sector_id: share for sector_id, share in rows}


def version(programme) -> int:
    db.session.expire_all()
    return db.session.get(Programme, programme.id).version


def post(client, world, version_seen=None, **shares):
    """The form as sent: every share field (blank unless given), and the version seen."""
    programme = world["programme"]
    data = {"edit_version": str(version(programme) if version_seen is None else version_seen)}
    for key in ("health", "clean", "skills"):
        data[f"share_{world[key].id}"] = shares.get(key, "")
    data.update({name: value for name, value in shares.items() if name not in world})
    return client.post(url(programme), data=data)


def test_the_form_offers_every_sector_and_theme_in_use(staff_client, world):
    response = staff_client.get(url(world["programme"]))

    assert response.status_code == 200
    rows = [text(th) for th in soup(response).select("tbody th")]
    assert rows == ["Clean tech (sector)", "Health tech (sector)", "Skills (cross-sector theme)"]
    assert input_value(response, f"share_{world['health'].id}") == ""
    assert soup(response).find(id=f"share_{world['retired'].id}") is None


def test_staff_set_targets_in_one_go_and_the_change_is_recorded(staff_client, world):
    programme = world["programme"]
    before = version(programme)

    response = post(staff_client, world, health="40", clean="30.5", skills="0")

    assert response.status_code == 302
    assert response.location == f"/programmes/{programme.id}/portfolio"
    assert saved(programme) == {
        world["health"].id: Decimal("40"), world["clean"].id: Decimal("30.5"), world["skills"].id: Decimal("0"),
    }
    assert version(programme) == before + 1
    [entry] = activities("programme.targets_changed")
    assert entry.actor_id == staff_client.user.id and entry.subject_id == programme.id
    assert entry.changes == {"Health tech": [None, "40%"], "Clean tech": [None, "30.5%"], "Skills": [None, "0%"]}
    form = staff_client.get(url(programme))
    assert input_value(form, f"share_{world['clean'].id}") == "30.5"


def test_changing_and_blanking_targets_records_only_the_differences(staff_client, world):
    programme = world["programme"]
    post(staff_client, world, health="40", clean="30")

    post(staff_client, world, health="45", clean="")

    assert saved(programme) == {world["health"].id: Decimal("45")}
    assert activities("programme.targets_changed")[-1].changes == {
        "Health tech": ["40%", "45%"], "Clean tech": ["30%", None],
    }


def test_saving_the_same_targets_records_nothing(staff_client, world):
    programme = world["programme"]
    post(staff_client, world, health="40")
    before = version(programme)

    response = post(staff_client, world, health="40.00")

    assert response.status_code == 302
    assert version(programme) == before
    assert len(activities("programme.targets_changed")) == 1


def test_targets_over_100_percent_are_refused_and_nothing_is_saved(staff_client, world):
    programme = world["programme"]
    post(staff_client, world, health="40")

    response = post(staff_client, world, health="60", clean="30", skills="10.5")

    assert response.status_code == 400
    message = "Targets add up to 100.5%, over 100%: lower some of them so that they add up to 100% or less"
    assert error_summary(response) == [(message, f"#share_{world['clean'].id}")]
    assert input_value(response, f"share_{world['skills'].id}") == "10.5"
    assert saved(programme) == {world["health"].id: Decimal("40")}
    assert len(activities("programme.targets_changed")) == 1


@pytest.mark.parametrize("typed,message", [
    ("-5", "Target for Health tech must be between 0 and 100"),
    ("120", "Target for Health tech must be between 0 and 100"),
    ("forty", "Target for Health tech must be a number, like 70"),
    ("33.333", "Target for Health tech can have at most 2 decimal places"),
])
def test_a_bad_share_is_refused_beside_its_field(staff_client, world, typed, message):
    response = post(staff_client, world, health=typed, clean="30")

    assert response.status_code == 400
    assert inline_error(response, f"share_{world['health'].id}") == message
    assert input_value(response, f"share_{world['health'].id}") == typed
    assert input_value(response, f"share_{world['clean'].id}") == "30"
    assert saved(world["programme"]) == {}


def test_a_retired_sectors_target_is_shown_and_can_be_kept_or_removed(staff_client, world):
    programme = world["programme"]
    retired = world["retired"]
    db.session.add(ProgrammeTarget(programme_id=programme.id, sector_id=retired.id, share=Decimal("15")))
    db.session.commit()

    page = staff_client.get(url(programme))
    row = next(th.parent for th in soup(page).select("tbody th") if "Old sector" in text(th))
    assert text(row.th) == "Old sector (sector, retired)"
    assert "15%" in text(row) and row.select_one(f"input#remove_{retired.id}[type=checkbox]") is not None
    assert soup(page).find(id=f"share_{retired.id}") is None

    post(staff_client, world, health="40")  # the box left unticked: kept
    assert saved(programme) == {retired.id: Decimal("15"), world["health"].id: Decimal("40")}
    response = post(staff_client, world, health="40", **{f"remove_{retired.id}": "y"})
    assert response.status_code == 302
    assert saved(programme) == {world["health"].id: Decimal("40")}
    assert activities("programme.targets_changed")[-1].changes == {"Old sector": ["15%", None]}


def test_a_target_typed_for_a_sector_retired_since_the_page_opened_is_refused(staff_client, world):
    programme = world["programme"]
    clean = world["clean"]
    clean.is_retired = True
    db.session.commit()

    response = post(staff_client, world, health="40", clean="30")

    assert response.status_code == 400
    assert "has been retired since you opened this page" in error_summary(response)[0][0]
    assert saved(programme) == {}


def test_an_edit_from_a_stale_form_is_refused_with_409_keeping_what_was_typed(staff_client, world):
    programme = world["programme"]
    seen = version(programme)
    post(staff_client, world, health="40")  # someone else saves first

    response = post(staff_client, world, version_seen=seen, health="25", clean="35")

    assert response.status_code == 409
    assert "Someone else changed this programme" in error_summary(response)[0][0]
    assert input_value(response, f"share_{world['clean'].id}") == "35"
    assert input_value(response, f"share_{world['health'].id}") == "25"
    conflicts = [[text(cell) for cell in row.select("th, td")]
                 for row in soup(response).select("table.tracker-conflicts tbody tr")]
    assert conflicts == [["Clean tech", "No target", "35%"], ["Health tech", "40%", "25%"]]
    assert saved(programme) == {world["health"].id: Decimal("40")}
    assert soup(response).select_one("input[name=edit_version]")["value"] == str(version(programme))
    again = post(staff_client, world, health="25", clean="35")
    assert again.status_code == 302 and saved(programme)[world["clean"].id] == Decimal("35")


def test_a_programme_edit_after_the_targets_changed_is_stale(staff_client, world):
    """The targets move the programme's version on: one version guards both forms."""
    programme = world["programme"]
    seen = version(programme)
    post(staff_client, world, health="40")

    response = staff_client.post(f"/programmes/{programme.id}/edit", data={
        "edit_version": str(seen), "name": "West Midlands", "funder": "Innovate UK",
        "region": "West Midlands", "total_pot": "33,000,000", "assessment_threshold": "70",
        "board_quorum": "3",
    })

    assert response.status_code == 409


def test_the_service_refuses_and_changes_nothing(world):
    programme = world["programme"]
    health, clean, retired = world["health"], world["clean"], world["retired"]
    current = programme.version

    with pytest.raises(EditConflict):
        set_targets(programme, {health.id: Decimal("10")}, current - 1, None)
    with pytest.raises(TargetsRefused, match="cannot be negative") as refused:
        set_targets(programme, {health.id: Decimal("-1")}, current, None)
    assert refused.value.sector_id == health.id
    with pytest.raises(TargetsRefused, match="over 100%") as refused:
        set_targets(programme, {health.id: Decimal("70"), clean.id: Decimal("30.01")}, current, None)
    assert refused.value.sector_id is None
    with pytest.raises(TargetsRefused, match="Old sector has been retired"):
        set_targets(programme, {retired.id: Decimal("5")}, current, None)
    db.session.rollback()

    assert saved(programme) == {} and activities("programme.targets_changed") == []
    assert set_targets(programme, {health.id: Decimal("70"), clean.id: None}, current, None) == {
        "Health tech": [None, "70%"],
    }


def test_experts_and_board_members_cannot_set_targets(expert_client, board_client, world):
    for client in (expert_client, board_client):
        assert client.get(url(world["programme"])).status_code == 403
        assert post(client, world, health="40").status_code == 403
    assert saved(world["programme"]) == {}
