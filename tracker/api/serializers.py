"""Models as the API's JSON: money in whole pounds, dates and times in ISO 8601 (times in UTC
with their offset), enums as {"value", "label"}, people and things they point at as
{"id", "name"}. Each function returns exactly what tracker/api/openapi.py describes."""

from datetime import date, datetime
from decimal import Decimal

from flask import url_for

from tracker.enums import LabelledEnum


def enum(member: LabelledEnum | None) -> dict | None:
    return None if member is None else {"value": member.value, "label": member.label}


def when(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def number(value: Decimal | None) -> float | None:
    """A percentage or share (stored exactly) as a JSON number."""
    return None if value is None else float(value)


def person(user) -> dict | None:
    return None if user is None else {"id": user.id, "name": user.name}


def organisation(org) -> dict | None:
    return None if org is None else {"id": org.id, "name": org.name, "type": enum(org.type)}


def link(endpoint: str, **values) -> str:
    return url_for(endpoint, **values, _external=True)


def programme(item, figures: tuple[int, int]) -> dict:
    count, asked = figures
    return {
        "id": item.id,
        "name": item.name,
        "funder": item.funder,
        "region": item.region,
        "description": item.description,
        "total_pot": item.total_pot,
        "assessment_threshold": number(item.assessment_threshold),
        "board_quorum": item.board_quorum,
        "key_dates": {field: when(getattr(item, field)) for field, _ in item.KEY_DATES},
        "proposal_count": count,
        "funding_asked": asked,
        "created_at": when(item.created_at),
        "updated_at": when(item.updated_at),
        "links": {
            "self": link("api.programme", programme_id=item.id),
            "proposals": link("api.proposals", programme=item.id),
            "page": link("programmes.detail", programme_id=item.id),
        },
    }


def proposal(item, detail: bool = False) -> dict:
    """A proposal as lists show it; `detail` adds its summary and partners (loaded)."""
    shown = {
        "id": item.id,
        "title": item.title,
        "programme": {"id": item.programme.id, "name": item.programme.name},
        "stage": enum(item.stage),
        "lead_organisation": organisation(item.lead_organisation),
        "owner": person(item.owner),
        "funding_ask": item.funding_ask,
        "input_closes_on": when(item.input_closes_on),
        "stage_changed_at": when(item.stage_changed_at),
        "created_at": when(item.created_at),
        "updated_at": when(item.updated_at),
        "links": {
            "self": link("api.proposal", proposal_id=item.id),
            "page": link("proposals.detail", proposal_id=item.id),
            **{part: link(f"api.proposal_{part}", proposal_id=item.id) for part in PROPOSAL_PARTS},
        },
    }
    if detail:
        shown["summary"] = item.summary
        shown["partners"] = [organisation(partner) for partner in item.partners]
    return shown


PROPOSAL_PARTS = ("sections", "contributions", "priorities", "milestones", "activity")


def section(item) -> dict:
    return {
        "id": item.id,
        "key": item.key,
        "title": item.title,
        "position": item.position,
        "required": item.required,
        "assessed": item.assessed,
        "state": enum(item.state),
        "text": item.text,
        "word_count": item.word_count,
        "word_limit": item.word_limit,
        "over_limit": item.over_limit,
        "revision_number": item.revision_number,
        "assignee": person(item.assignee),
        "updated_at": when(item.updated_at),
    }


def contribution(item, response) -> dict:
    """A contribution with staff's response (None while it waits for one)."""
    return {
        "id": item.id,
        "kind": enum(item.kind),
        "status": enum(item.status),
        "title": item.title,
        "body": item.body,
        "suggested_text": item.suggested_text,
        "section": None if item.section is None else {
            "id": item.section.id, "key": item.section.key, "title": item.section.title,
        },
        "sector": {"id": item.sector.id, "name": item.sector.name},
        "author": person(item.author),
        "organisation": organisation(item.organisation),
        "named_in_reports": not item.show_organisation_type_only,
        "declaration_of_interest": item.declaration_of_interest,
        "created_at": when(item.created_at),
        "updated_at": when(item.updated_at),
        "response": None if response is None else {
            "outcome": enum(response.outcome),
            "reason": response.reason,
            "revision_number": response.revision.number if response.revision is not None else None,
            "responded_at": when(response.responded_at),
        },
        "links": {"page": link("contributions.view", contribution_id=item.id)},
    }


def priority(item, counts: dict, stances: list) -> dict:
    return {
        "id": item.id,
        "rank": item.rank,
        "sector": {"id": item.sector.id, "name": item.sector.name, "kind": enum(item.sector.kind)},
        "share": number(item.share),
        "rationale": item.rationale,
        "taken_from_contribution_id": item.contribution_id,
        "stance_counts": {kind.value: count for kind, count in counts.items()},
        "stances": [stance(each) for each in stances],
    }


def stance(item) -> dict:
    expert = item.expert
    return {
        "id": item.id,
        "kind": enum(item.kind),
        "expert": person(expert),
        "organisation": expert.organisation.name if expert.organisation is not None else None,
        "comment": item.comment,
        "reply": item.reply or None,
        "replied_by": person(item.replied_by) if item.reply else None,
        "replied_at": when(item.replied_at),
        "updated_at": when(item.updated_at),
    }


def milestone(item, planned, depends_on: set[int], proposal_titles: dict[int, str]) -> dict:
    """A milestone with what the plan derived for it today; `proposal` is null for the
    programme's own dates."""
    return {
        "id": item.id,
        "title": item.title,
        "kind": enum(item.kind),
        "proposal": None if item.proposal_id is None else {
            "id": item.proposal_id, "title": proposal_titles[item.proposal_id],
        },
        "owner": person(item.owner),
        "state": enum(item.state),
        "starts_on": when(item.starts_on),
        "due_on": when(item.due_on),
        "done_on": when(item.done_on),
        "notes": item.notes,
        "depends_on": sorted(depends_on),
        "rag": enum(planned.rag),
        "forecast": when(planned.forecast),
        "slip_days": planned.slip_days,
        "overdue": planned.overdue,
        "late": planned.late,
        "dependency_late": planned.dependency_late,
        "critical": planned.critical,
        "links": {"page": link("milestones.view", milestone_id=item.id)},
    }


def activity(item, changes: list, kind_label: str) -> dict:
    return {
        "id": item.id,
        "kind": {"value": item.verb, "label": kind_label},
        "summary": item.summary,
        "actor": person(item.actor),
        "subject": {"type": item.subject_type, "id": item.subject_id},
        "changes": [{"field": change.label, "before": change.before, "after": change.after}
                    for change in changes],
        "created_at": when(item.created_at),
    }
