"""A programme's weighted criteria: the one form that edits the whole set, its rules (weights
adding up to exactly 100, names required and unique, whole percents), removing a criterion
that has scores, conflicts between two editors, and the demo set."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.pages import activities, input_value, inline_error, soup, summary_errors, text
from tests.test_prioritisation import demo_programme, figures, score, scorable
from tracker.auth.models import Role
from tracker.concurrency import EditConflict
from tracker.extensions import db
from tracker.prioritisation import queries
from tracker.prioritisation.models import CriterionScore
from tracker.prioritisation.services import (
    DEMO_CRITERIA,
    CriteriaRefused,
    CriterionRow,
    criteria_stamp,
    set_criteria,
)


def saved(programme) -> list[tuple[str, int, int]]:
    """(name, weight, position) of the programme's criteria, in order."""
    return [(c.name, c.weight, c.position) for c in queries.criteria_of(programme.id)]


def form_post(client, programme, rows, **extra) -> dict:
    """The criteria form as the page offers it, with `rows` ({row number: {field: value}})
    typed over it."""
    page = soup(client.get(f"/programmes/{programme.id}/prioritisation/criteria"))
    data = {field["name"]: field.get("value", "") for field in page.select("form[method=post] input")
            if field.get("type") != "checkbox" and field.get("name")}
    data |= {area["name"]: area.get_text() for area in page.select("form[method=post] textarea")}
    for number, fields in rows.items():
        data |= {f"{name}_{number}": value for name, value in fields.items()}
    return data | extra


def post(client, programme, data):
    return client.post(f"/programmes/{programme.id}/prioritisation/criteria", data=data)


DEMO_ROWS = {
    n: {"name": row.name, "weight": str(row.weight), "guidance": row.guidance}
    for n, row in enumerate(DEMO_CRITERIA, start=1)
}
DEMO_SAVED = [("Regional economy", 40, 1), ("National economy", 10, 2),
              ("Sector priority fit", 20, 3), ("Co-investment", 15, 4), ("Inclusive growth", 15, 5)]


def test_the_demo_set_from_the_service():
    programme = demo_programme()

    assert saved(programme) == DEMO_SAVED
    assert all(c.guidance for c in queries.criteria_of(programme.id))
    entry = activities("criteria.changed")[0]
    assert entry.summary.startswith("Changed the prioritisation criteria: added Regional economy (40%)")
    assert entry.subject_id == programme.id


def test_staff_set_the_criteria_on_an_empty_programme(staff_client):
    programme = factories.make_programme()
    page = staff_client.get(f"/programmes/{programme.id}/prioritisation/criteria")
    assert len(soup(page).select("fieldset legend")) == 3 + 1  # three blank rows, the confirmation

    response = post(staff_client, programme, form_post(staff_client, programme, {
        1: DEMO_ROWS[1], 2: DEMO_ROWS[2], 3: DEMO_ROWS[3],
    }) | {f"{name}_{n}": DEMO_ROWS[n][name] for n in (4, 5) for name in DEMO_ROWS[n]})

    assert response.status_code == 302
    assert response.location.endswith(f"/programmes/{programme.id}/prioritisation")
    assert saved(programme) == DEMO_SAVED
    assert len(activities("criteria.changed")) == 1


def test_the_form_offers_every_criterion_and_three_blank_rows(staff_client):
    programme = demo_programme()

    page = staff_client.get(f"/programmes/{programme.id}/prioritisation/criteria")

    assert input_value(page, "name_1") == "Regional economy"
    assert input_value(page, "weight_1") == "40"
    assert input_value(page, "name_5") == "Inclusive growth"
    assert input_value(page, "name_8") == ""
    assert soup(page).select_one("#name_9") is None
    assert soup(page).select_one("#remove_5") is not None
    assert soup(page).select_one("#remove_6") is None  # blank rows have nothing to remove


@pytest.mark.parametrize("weight,total", [("35", 95), ("45", 105)])
def test_weights_must_add_up_to_exactly_100(staff_client, weight, total):
    programme = demo_programme()

    response = post(staff_client, programme, form_post(staff_client, programme, {1: {"weight": weight}}))

    assert response.status_code == 400
    assert summary_errors(response) == [f"Weights add up to {total}%: they must add up to 100%"]
    assert input_value(response, "weight_1") == weight  # what was typed stays
    assert saved(programme) == DEMO_SAVED


def test_an_empty_set_adds_up_to_nothing(staff_client):
    programme = factories.make_programme()

    response = post(staff_client, programme, form_post(staff_client, programme, {}))

    assert response.status_code == 400
    assert summary_errors(response) == ["Weights add up to 0%: they must add up to 100%"]


@pytest.mark.parametrize("typed,message", [
    ({"weight": "101"}, "Weight of criterion 1 must be a whole number from 0 to 100"),
    ({"weight": "-1"}, "Weight of criterion 1 must be a whole number from 0 to 100"),
    ({"weight": "12.5"}, "Weight of criterion 1 must be a whole number"),
    ({"weight": "forty"}, "Weight of criterion 1 must be a whole number"),
    ({"weight": ""}, "Enter a weight for criterion 1"),
    ({"name": ""}, "Enter a name for criterion 1"),
    ({"name": "   "}, "Enter a name for criterion 1"),
    ({"name": "x" * 121}, "Name of criterion 1 must be 120 characters or fewer"),
])
def test_each_row_needs_a_name_and_a_whole_percent(staff_client, typed, message):
    programme = demo_programme()

    response = post(staff_client, programme, form_post(staff_client, programme, {1: typed}))

    assert response.status_code == 400
    field = "weight_1" if "weight" in typed else "name_1"
    assert inline_error(response, field) == message
    assert message in summary_errors(response)
    assert saved(programme) == DEMO_SAVED


def test_names_are_unique_whatever_their_case(staff_client):
    programme = demo_programme()

    response = post(staff_client, programme, form_post(staff_client, programme, {
        2: {"name": "REGIONAL ECONOMY "},
    }))

    assert response.status_code == 400
    assert inline_error(response, "name_2") == (
        "REGIONAL ECONOMY is the name of another criterion: each criterion needs its own name"
    )
    assert saved(programme) == DEMO_SAVED


def test_a_new_row_with_only_a_weight_needs_a_name(staff_client):
    programme = demo_programme()

    response = post(staff_client, programme, form_post(staff_client, programme, {6: {"weight": "0"}}))

    assert response.status_code == 400
    assert inline_error(response, "name_6") == "Enter a name for criterion 6"


def test_change_add_rename_and_reorder_in_one_save(staff_client):
    programme = demo_programme()

    response = post(staff_client, programme, form_post(staff_client, programme, {
        1: {"weight": "30"},
        2: {"name": "UK economy", "position": "9"},
        6: {"name": "Net zero", "weight": "10", "guidance": "Carbon saved.", "position": "1"},
    }))

    assert response.status_code == 302
    assert saved(programme) == [
        ("Regional economy", 30, 1), ("Net zero", 10, 2), ("Sector priority fit", 20, 3),
        ("Co-investment", 15, 4), ("Inclusive growth", 15, 5), ("UK economy", 10, 6),
    ]
    summary = activities("criteria.changed")[-1].summary
    assert "Regional economy from 40% to 30%" in summary
    assert "renamed National economy to UK economy" in summary
    assert "added Net zero (10%)" in summary
    assert "changed the order" in summary


def test_two_criteria_can_swap_names(staff_client):
    programme = demo_programme()

    response = post(staff_client, programme, form_post(staff_client, programme, {
        4: {"name": "Inclusive growth"}, 5: {"name": "Co-investment"},
    }))

    assert response.status_code == 302
    assert [name for name, _, _ in saved(programme)][3:] == ["Inclusive growth", "Co-investment"]


def test_saving_unchanged_records_nothing(staff_client):
    programme = demo_programme()

    response = post(staff_client, programme, form_post(staff_client, programme, {}))

    assert response.status_code == 302
    assert len(activities("criteria.changed")) == 1  # the demo set's


def test_removing_an_unscored_criterion_needs_no_confirmation(staff_client):
    programme = demo_programme()

    response = remove_national_economy(staff_client, programme)

    assert response.status_code == 302
    assert [name for name, _, _ in saved(programme)] == [
        "Regional economy", "Sector priority fit", "Co-investment", "Inclusive growth",
    ]
    assert "removed National economy" in activities("criteria.changed")[-1].summary


def scored_twice():
    """The demo programme with one proposal two people have scored (ten scores)."""
    programme = demo_programme()
    proposal = scorable(programme)
    score(proposal, [8, 6, 7, 5, 9])
    score(proposal, [6, 6, 9, 7, 5])
    return programme, proposal


def remove_national_economy(client, programme, **extra):
    """Remove National economy, giving its 10% to Regional economy."""
    return post(client, programme, form_post(client, programme, {
        2: {"remove": "y"}, 1: {"weight": "50"},
    }, **extra))


def test_removing_a_scored_criterion_is_refused_without_the_confirmation(staff_client):
    programme, _ = scored_twice()

    response = remove_national_economy(staff_client, programme)

    assert response.status_code == 400
    assert inline_error(response, "delete_scores") == (
        "National economy has 2 scores: to remove it, confirm that its scores are deleted too, "
        "or keep it"
    )
    assert len(saved(programme)) == 5
    assert saved(programme)[0] == ("Regional economy", 40, 1)  # nothing half-saved
    assert db.session.scalar(select(func.count(CriterionScore.id))) == 10


def test_removing_a_scored_criterion_with_the_confirmation_deletes_its_scores(staff_client):
    programme, proposal = scored_twice()

    response = remove_national_economy(staff_client, programme, delete_scores="y")

    assert response.status_code == 302
    assert len(saved(programme)) == 4
    assert db.session.scalar(select(func.count(CriterionScore.id))) == 8
    assert "removed National economy and its 2 scores" in activities("criteria.changed")[-1].summary
    # 0.5 x 7 + 0.2 x 8 + 0.15 x 6 + 0.15 x 7 = 3.5 + 1.6 + 0.9 + 1.05
    assert figures(proposal).total == Decimal("7.05")


def test_a_save_started_from_an_older_set_is_refused_keeping_what_was_typed(staff_client):
    programme = demo_programme()
    data = form_post(staff_client, programme, {1: {"weight": "35"}, 2: {"weight": "15"}})
    criteria = queries.criteria_of(programme.id)
    criteria[4].guidance = "Changed by someone else."
    db.session.commit()

    response = post(staff_client, programme, data)

    assert response.status_code == 409
    assert "Someone else changed the criteria while you were editing them" in summary_errors(response)[0]
    assert input_value(response, "weight_1") == "35"
    assert "Changed by someone else." in text(soup(response).select_one("#saved-criteria"))
    assert saved(programme) == DEMO_SAVED

    stamp = soup(response).select_one("input[name=set_stamp]")["value"]
    again = post(staff_client, programme, data | {"set_stamp": stamp})

    assert again.status_code == 302
    assert saved(programme)[:2] == [("Regional economy", 35, 1), ("National economy", 15, 2)]


def test_a_post_without_the_forms_stamp_is_refused(staff_client):
    programme = demo_programme()
    data = form_post(staff_client, programme, {})
    del data["set_stamp"]

    response = post(staff_client, programme, data)

    assert response.status_code == 400
    assert summary_errors(response) == [
        "This form is out of date: reload the page and make your changes again"
    ]


def test_the_service_refuses_every_problem_at_once_and_changes_nothing():
    programme = demo_programme()
    rows = [CriterionRow("", 40), CriterionRow("Jobs", 150), CriterionRow("jobs", 5)]

    with pytest.raises(CriteriaRefused) as refused:
        set_criteria(programme, rows, None)

    assert [(p.row, p.field, p.message) for p in refused.value.problems] == [
        (1, "name", "Enter a name for criterion 1"),
        (2, "weight", "Weight of criterion 2 must be a whole number from 0 to 100"),
        (3, "name", "jobs is the name of another criterion: each criterion needs its own name"),
    ]
    db.session.rollback()
    assert saved(programme) == DEMO_SAVED


def test_the_service_checks_the_stamp():
    programme = demo_programme()
    stamp = criteria_stamp(queries.criteria_of(programme.id))
    first = queries.criteria_of(programme.id)[0]

    set_criteria(programme, [CriterionRow("Regional economy", 40, "New.", id=first.id)], None,
                 seen_stamp=stamp)
    db.session.commit()

    with pytest.raises(EditConflict):
        set_criteria(programme, [CriterionRow("Regional economy", 40, "Old.", id=first.id)], None,
                     seen_stamp=stamp)


def test_the_board_reads_the_criteria_but_cannot_change_them(board_client):
    programme = demo_programme()

    assert board_client.get(f"/programmes/{programme.id}/prioritisation/criteria").status_code == 403
    ranking = board_client.get(f"/programmes/{programme.id}/prioritisation")
    assert "Regional economy" in text(soup(ranking).select_one("#criteria"))


def test_the_ranking_links_staff_to_the_criteria(client_as):
    programme = demo_programme()
    page = client_as(Role.STAFF).get(f"/programmes/{programme.id}/prioritisation")

    links = [a["href"] for a in soup(page).select("main a")]
    assert f"/programmes/{programme.id}/prioritisation/criteria" in links
