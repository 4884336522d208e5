"""The OpenAPI 3.1 document of /api/v1, as one Python dict: every endpoint, parameter and
answer, the bearer-token security scheme and the errors. Tests hold it to the truth: it
validates, it lists exactly the API's routes, and schemathesis checks the answers against it."""

from tracker.api.pagination import MAX_PER_PAGE
from tracker.api import MAX_ID
from tracker.auth.models import Role
from tracker.contributions.models import ContributionKind, ContributionStatus
from tracker.milestones.models import MilestoneKind, MilestoneState
from tracker.milestones.rules import RAG
from tracker.organisations.models import OrganisationType
from tracker.priorities.models import StanceKind
from tracker.proposals.models import ProposalStage
from tracker.proposals.queries import UNALLOCATED
from tracker.sections.models import SectionState
from tracker.sectors.models import SectorKind

VERSION = "1.0.0"

# Building blocks ------------------------------------------------------------------------

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
NUMBER = {"type": "number"}
ID = {"type": "integer", "minimum": 1}
MONEY = {"type": "integer", "minimum": 0, "description": "Whole pounds."}
DATE = {"type": "string", "format": "date"}
DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
TIME = {"type": "string", "format": "date-time", "description": "UTC, with its offset."}
TIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
STRING_OR_NULL = {"type": ["string", "null"]}
URL = {"type": "string", "format": "uri"}
URL_OR_NULL = {"type": ["string", "null"], "format": "uri"}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def or_null(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict, description: str | None = None) -> dict:
    """An object with exactly these properties, all of them always present."""
    schema = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def labelled(enum_cls, description: str) -> dict:
    """A LabelledEnum as the API shows it: its value (for programs) and label (for people)."""
    return obj({"value": {"type": "string", "enum": [member.value for member in enum_cls]}, "label": STRING},
               description)


def list_of(item: str) -> dict:
    return obj({
        "data": {"type": "array", "items": ref(item)},
        "meta": ref("Meta"),
        "links": ref("Links"),
        "notices": ref("Notices"),
    }, f"A page of {item} entries.")


def one(item: str) -> dict:
    return obj({"data": ref(item)})


# The things the API shows ----------------------------------------------------------------

ENUMS = {
    "ProposalStage": labelled(ProposalStage, "Where a proposal stands."),
    "OrganisationType": labelled(OrganisationType, "An organisation's type."),
    "SectionState": labelled(SectionState, "How far a section's writing has got."),
    "ContributionKind": labelled(ContributionKind, "What a piece of input is."),
    "ContributionStatus": labelled(ContributionStatus, "Where input stands; the last four are responses."),
    "SectorKind": labelled(SectorKind, "A sector, or a theme across sectors."),
    "StanceKind": labelled(StanceKind, "An expert's endorsement or challenge."),
    "MilestoneKind": labelled(MilestoneKind, "What a milestone marks."),
    "MilestoneState": labelled(MilestoneState, "Where a milestone stands, as its owner says."),
    "RAG": labelled(RAG, "Derived status: done, red (overdue or blocked), amber, green."),
}

PROGRAMME = obj({
    "id": ID,
    "name": STRING,
    "funder": STRING,
    "region": STRING,
    "description": STRING,
    "total_pot": MONEY,
    "assessment_threshold": {"type": "number", "minimum": 0, "maximum": 100, "description": "A percentage."},
    "board_quorum": {"type": "integer", "minimum": 1},
    "key_dates": obj({
        "opens_on": DATE_OR_NULL,
        "eoi_deadline": DATE_OR_NULL,
        "full_proposal_deadline": DATE_OR_NULL,
        "panel_date": DATE_OR_NULL,
        "announcement_date": DATE_OR_NULL,
    }),
    "proposal_count": {"type": "integer", "minimum": 0, "description": "Every proposal in it."},
    "funding_asked": MONEY,
    "created_at": TIME,
    "updated_at": TIME,
    "links": obj({"self": URL, "proposals": URL, "page": URL}),
}, "A funding call.")

PROPOSAL_FIELDS = {
    "id": ID,
    "title": STRING,
    "programme": obj({"id": ID, "name": STRING}),
    "stage": ref("ProposalStage"),
    "lead_organisation": ref("Organisation"),
    "owner": ref("Person"),
    "funding_ask": MONEY,
    "input_closes_on": DATE_OR_NULL,
    "stage_changed_at": TIME,
    "created_at": TIME,
    "updated_at": TIME,
    "links": obj({
        "self": URL, "page": URL, "sections": URL, "contributions": URL, "priorities": URL,
        "milestones": URL, "activity": URL,
    }),
}

SCHEMAS = {
    **ENUMS,
    "Person": obj({"id": ID, "name": STRING}, "A person, by name."),
    "Organisation": obj({"id": ID, "name": STRING, "type": ref("OrganisationType")}),
    "Programme": PROGRAMME,
    "Proposal": obj(PROPOSAL_FIELDS, "A bid within a programme, as lists show it."),
    "ProposalDetail": obj({
        **PROPOSAL_FIELDS,
        "summary": {**STRING, "description": "Markdown."},
        "partners": {"type": "array", "items": ref("Organisation")},
    }, "A proposal with its summary and partners."),
    "Section": obj({
        "id": ID,
        "key": STRING,
        "title": STRING,
        "position": INTEGER,
        "required": BOOLEAN,
        "assessed": BOOLEAN,
        "state": ref("SectionState"),
        "text": {**STRING, "description": "Markdown: the latest revision's text."},
        "word_count": {"type": "integer", "minimum": 0},
        "word_limit": {"type": "integer", "minimum": 1},
        "over_limit": BOOLEAN,
        "revision_number": {"type": "integer", "minimum": 0},
        "assignee": or_null(ref("Person")),
        "updated_at": TIME,
    }, "One part of a proposal's text."),
    "Contribution": obj({
        "id": ID,
        "kind": ref("ContributionKind"),
        "status": ref("ContributionStatus"),
        "title": STRING,
        "body": STRING,
        "suggested_text": {**STRING_OR_NULL, "description": "A suggested change: the whole section text."},
        "section": or_null(obj({"id": ID, "key": STRING, "title": STRING})),
        "sector": obj({"id": ID, "name": STRING}),
        "author": ref("Person"),
        "organisation": or_null(ref("Organisation")),
        "named_in_reports": {**BOOLEAN, "description": "False: the author asked to appear only as "
                                                        "their organisation's type in reports."},
        "declaration_of_interest": STRING,
        "created_at": TIME,
        "updated_at": TIME,
        "response": or_null(obj({
            "outcome": ref("ContributionStatus"),
            "reason": STRING,
            "revision_number": {"type": ["integer", "null"], "description": "The revision that took it in."},
            "responded_at": TIME,
        }, "Staff's answer.")),
        "links": obj({"page": URL}),
    }, "One piece of stakeholder input, with staff's response."),
    "Priority": obj({
        "id": ID,
        "rank": {"type": "integer", "minimum": 1},
        "sector": obj({"id": ID, "name": STRING, "kind": ref("SectorKind")}),
        "share": {"type": "number", "minimum": 0, "maximum": 100,
                  "description": "Its percentage of the funding ask."},
        "rationale": STRING,
        "taken_from_contribution_id": {"type": ["integer", "null"]},
        "stance_counts": obj({kind.value: {"type": "integer", "minimum": 0} for kind in StanceKind}),
        "stances": {"type": "array", "items": ref("Stance")},
    }, "A sector or theme the proposal serves."),
    "Stance": obj({
        "id": ID,
        "kind": ref("StanceKind"),
        "expert": ref("Person"),
        "organisation": STRING_OR_NULL,
        "comment": STRING,
        "reply": STRING_OR_NULL,
        "replied_by": or_null(ref("Person")),
        "replied_at": TIME_OR_NULL,
        "updated_at": TIME,
    }, "An expert's endorsement or challenge of a priority, and staff's reply."),
    "Milestone": obj({
        "id": ID,
        "title": STRING,
        "kind": ref("MilestoneKind"),
        "proposal": or_null(obj({"id": ID, "title": STRING})),
        "owner": ref("Person"),
        "state": ref("MilestoneState"),
        "starts_on": DATE_OR_NULL,
        "due_on": DATE,
        "done_on": DATE_OR_NULL,
        "notes": {**STRING, "description": "Markdown."},
        "depends_on": {"type": "array", "items": ID, "description": "Ids of the milestones it waits for."},
        "rag": ref("RAG"),
        "forecast": {**DATE, "description": "When it will be (or was) done, judged today."},
        "slip_days": {**INTEGER, "description": "Forecast minus due date: positive is late."},
        "overdue": BOOLEAN,
        "late": BOOLEAN,
        "dependency_late": BOOLEAN,
        "critical": {**BOOLEAN, "description": "On the chain that sets the end date."},
        "links": obj({"page": URL}),
    }, "A dated step; `proposal` is null for the programme's own dates."),
    "Activity": obj({
        "id": ID,
        "kind": obj({"value": STRING, "label": STRING}),
        "summary": STRING,
        "actor": or_null(ref("Person")),
        "subject": obj({"type": STRING, "id": INTEGER}),
        "changes": {"type": "array", "items": obj({
            "field": STRING, "before": STRING_OR_NULL, "after": STRING,
        })},
        "created_at": TIME,
    }, "An entry in the audit log."),
    "Meta": obj({
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "total": {"type": "integer", "minimum": 0},
        "pages": {"type": "integer", "minimum": 0},
    }, "Where this page is in the list."),
    "Links": obj({"self": URL, "next": URL_OR_NULL, "prev": URL_OR_NULL}),
    "Notices": {"type": "array", "items": STRING,
                "description": "What in the request was ignored or replaced, and why; empty when nothing."},
    "Problem": {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {"type": STRING, "title": STRING, "status": INTEGER, "detail": STRING},
        "description": "RFC 9457 problem details.",
    },
}

LISTS = {
    "ProgrammeList": list_of("Programme"),
    "ProposalList": list_of("Proposal"),
    "SectionList": list_of("Section"),
    "ContributionList": list_of("Contribution"),
    "PriorityList": list_of("Priority"),
    "MilestoneList": list_of("Milestone"),
    "ActivityList": list_of("Activity"),
    "ProgrammeAnswer": one("Programme"),
    "ProposalAnswer": one("ProposalDetail"),
}

# Parameters and answers ------------------------------------------------------------------------

PATH_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def path_id(name: str, what: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": PATH_ID, "description": f"The {what}'s id."}


PARAMETERS = {
    "page": {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1},
             "description": "The page, from 1. Past the last page: an empty page, and a notice."},
    "per_page": {"name": "per_page", "in": "query",
                 "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 25},
                 "description": f"Rows a page, 1 to {MAX_PER_PAGE} (the site's page size, 25 unless set, "
                                f"when not given; more than {MAX_PER_PAGE} is cut to {MAX_PER_PAGE}, "
                                "with a notice)."},
    "programme_filter": {"name": "programme", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                         "maximum": MAX_ID},
                         "description": "Only this programme's proposals."},
    "stage_filter": {"name": "stage", "in": "query", "style": "form", "explode": True,
                     "schema": {"type": "array", "items": {"type": "string",
                                                           "enum": [s.value for s in ProposalStage]}},
                     "description": "Only proposals at these stages (repeat it, or separate with commas). "
                                    "Unknown stages are ignored, with a notice."},
    "sector_filter": {"name": "sector", "in": "query",
                      "schema": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ID},
                                           {"type": "string", "const": UNALLOCATED}]},
                      "description": "Only proposals that list this sector or theme (its id) as a priority; "
                                     f"“{UNALLOCATED}”: those whose priorities take less than all of the ask."},
    "owner_filter": {"name": "owner", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                 "maximum": MAX_ID},
                     "description": "Only proposals this person (their id) owns."},
    "q_filter": {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200},
                 "description": "Only proposals whose title contains this text (any case)."},
    "proposal_id": path_id("proposal_id", "proposal"),
    "programme_id": path_id("programme_id", "programme"),
}


def problem_answer(description: str, headers: dict | None = None) -> dict:
    answer = {"description": description,
              "content": {"application/problem+json": {"schema": ref("Problem")}}}
    if headers:
        answer["headers"] = headers
    return answer


RESPONSES = {
    "Unauthorized": problem_answer(
        "No token, or a token that is malformed, unknown, expired or revoked, or whose person can no "
        "longer use the tracker.",
        {"WWW-Authenticate": {"schema": STRING, "description": 'Bearer realm="tracker API", with '
                                                               'error="invalid_token" when a token was sent.'}},
    ),
    "Forbidden": problem_answer("The token's person may not see this (as on the pages)."),
    "NotFound": problem_answer("Nothing has this id."),
}


def operation(summary: str, answer: str, parameters: list[str], errors: list[str], description: str = "",
              operation_id: str = "") -> dict:
    responses = {"200": {"description": "OK", "content": {"application/json": {"schema": ref(answer)}}}}
    codes = {"Unauthorized": "401", "Forbidden": "403", "NotFound": "404"}
    for error in ["Unauthorized", *errors]:
        responses[codes[error]] = {"$ref": f"#/components/responses/{error}"}
    return {"get": {
        "operationId": operation_id,
        "summary": summary,
        "description": description or summary,
        "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in parameters],
        "responses": responses,
    }}


PAGED = ["page", "per_page"]
ON_PROPOSAL = ["Forbidden", "NotFound"]
STAFF_AND_BOARD = ", ".join(role.label for role in (Role.ADMIN, Role.STAFF, Role.BOARD))

PATHS = {
    "/programmes": operation("List programmes", "ProgrammeList", PAGED, [], operation_id="listProgrammes"),
    "/programmes/{programme_id}": operation("Get a programme", "ProgrammeAnswer", ["programme_id"],
                                            ["NotFound"], operation_id="getProgramme"),
    "/programmes/{programme_id}/milestones": operation(
        "List a programme's milestones", "MilestoneList", ["programme_id", *PAGED], ["Forbidden", "NotFound"],
        f"Every milestone of the programme, its own and its proposals', by due date, with RAG status and "
        f"forecast for today. For: {STAFF_AND_BOARD}.", "listProgrammeMilestones"),
    "/proposals": operation(
        "List proposals", "ProposalList",
        ["programme_filter", "stage_filter", "sector_filter", "owner_filter", "q_filter", *PAGED], [],
        "The proposals you may see, most recently changed first, filtered as on the proposals page. A "
        "filter value that cannot name anything is ignored, with a notice; an id that names nothing "
        "matches nothing, with a notice.", "listProposals"),
    "/proposals/{proposal_id}": operation("Get a proposal", "ProposalAnswer", ["proposal_id"], ON_PROPOSAL,
                                          operation_id="getProposal"),
    "/proposals/{proposal_id}/sections": operation(
        "List a proposal's sections", "SectionList", ["proposal_id", *PAGED], ON_PROPOSAL,
        operation_id="listProposalSections"),
    "/proposals/{proposal_id}/contributions": operation(
        "List a proposal's contributions", "ContributionList", ["proposal_id", *PAGED], ON_PROPOSAL,
        "Input on the proposal, oldest first, with staff's responses: all of it for staff and the board, "
        "only your own for an expert.", "listProposalContributions"),
    "/proposals/{proposal_id}/priorities": operation(
        "List a proposal's sector priorities", "PriorityList", ["proposal_id", *PAGED], ON_PROPOSAL,
        "By rank, with experts' endorsements and challenges and staff's replies.", "listProposalPriorities"),
    "/proposals/{proposal_id}/milestones": operation(
        "List a proposal's milestones", "MilestoneList", ["proposal_id", *PAGED], ON_PROPOSAL,
        "The proposal's milestones and its programme's dates, by due date, with RAG status and forecast "
        "for today.", "listProposalMilestones"),
    "/proposals/{proposal_id}/activity": operation(
        "List a proposal's activity", "ActivityList", ["proposal_id", *PAGED], ON_PROPOSAL,
        "The audit log, newest first. An expert does not see other experts' input before staff answer it.",
        "listProposalActivity"),
    "/openapi.json": {"get": {
        "operationId": "getOpenApiDocument",
        "summary": "This document",
        "description": "The OpenAPI document; no token needed.",
        "security": [],
        "responses": {"200": {"description": "OK",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }},
}

DESCRIPTION = f"""Read-only JSON API of the Innovation Accelerator proposal tracker, with the same
permissions as its pages.

Authenticate with a personal API token, created on your profile (Profile → API tokens), in the
header `Authorization: Bearer <token>`. The session cookie does not work here. A missing,
unknown, expired or revoked token gets 401; a token whose person may not see something gets
403 (or 404 where the pages say 404).

Lists answer `{{"data": [...], "meta": {{"page", "per_page", "total", "pages"}}, "links":
{{"self", "next", "prev"}}, "notices": [...]}}`; `?page=` from 1, `?per_page=` up to {MAX_PER_PAGE}.
A page past the end is empty (200) with a notice. Values that cannot be used (an unknown stage,
a page that is not a number) are ignored or replaced, and `notices` says so.

Money is in whole pounds; dates are ISO 8601; times are UTC with their offset; enums are
`{{"value", "label"}}`. Errors are RFC 9457 problem details (application/problem+json)."""


def document() -> dict:
    """The whole document (a new dict each time: callers may change theirs)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Innovation Accelerator tracker API", "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": _copy(PATHS),
        "components": {
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer",
                "description": "A personal API token from your profile: tracker_ followed by 43 characters.",
            }},
            "schemas": _copy({**SCHEMAS, **LISTS}),
            "parameters": _copy(PARAMETERS),
            "responses": _copy(RESPONSES),
        },
    }


def _copy(value):
    """A deep copy of plain JSON data."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
