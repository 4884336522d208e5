"""Demo co-creation: experts' input on each demo proposal, given, reviewed and answered through
the real services, with small real files attached, so the triage page, the responses and the
"you said, we did" report show something real."""

import struct
import zlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import insert, select

from tracker.contributions import files
from tracker.contributions.models import ContributionKind, ContributionStatus, expert_sector
from tracker.contributions.services import (
    attach_files,
    mark_under_review,
    respond,
    submit_contribution,
    withdraw_contribution,
)
from tracker.contributions.input_requests import ask_for_input
from tracker.extensions import db
from tracker.priorities.models import SectorPriority, StanceKind
from tracker.priorities.services import ranked_priorities, take_in_recommendation
from tracker.priorities.stances import answer_challenge, take_stance
from tracker.sections.queries import sections_of
from tracker.sections.services import save_section
from tracker.sectors.models import Sector
from tracker.timeutil import utcnow

K, S = ContributionKind, ContributionStatus

# The sectors and themes each demo expert works in (their profile's choice).
EXPERT_SECTORS = {
    "expert@example.org": ["Health tech and life sciences", "Digital"],
    "david.lin@example.org": ["Medtech", "Precision engineering and modern manufacturing"],
    "fiona.walsh@example.org": ["Health tech and life sciences", "Medtech", "Inclusive growth"],
    "mark.davies@example.org": ["Precision engineering and modern manufacturing", "Skills"],
    "nadia.hussain@example.org": ["Clean tech", "Sustainability"],
    "kwame.mensah@example.org": ["Clean tech", "Digital", "Sustainability"],
    "lucy.turner@example.org": ["Health tech and life sciences", "Inclusive growth", "Skills"],
    "sam.oconnor@example.org": ["Precision engineering and modern manufacturing", "Clean tech"],
    "hannah.wright@example.org": ["Medtech", "Health tech and life sciences"],
}

# A bank of input: kind, section key (None for the proposal as a whole), title, body, and for a
# suggested change the sentence it adds to the section. "sector" None means the proposal's first
# priority; a name means that sector or theme.
BANK = [
    dict(kind=K.EVIDENCE, section="need", sector=None, title="Regional demand survey results",
         body="Our 2022 survey of **112 firms** found that 41% had delayed a product for want of "
              "test facilities.\n\n* 23% cited cost\n* 18% cited waiting times",
         attach="pdf"),
    dict(kind=K.SUGGESTED_CHANGE, section="outcomes", sector=None, title="Count SMEs outside Birmingham",
         body="The outcomes should show reach beyond the city, as the board has asked.",
         adds="At least half of the firms supported will be based outside Birmingham."),
    dict(kind=K.RISK, section="risks", sector="Skills", title="Technician shortage",
         body="Specialist technicians are scarce across the region; recruitment could take six months.",
         attach=None),
    dict(kind=K.COMMENT, section=None, sector="Inclusive growth", title="Reach into deprived wards",
         body="Consider partnering with the region's further education colleges to reach the "
              "wards named in the inclusion plan."),
    dict(kind=K.PRIORITY_RECOMMENDATION, section=None, sector="Sustainability",
         title="Make sustainability a named priority",
         body="Most projects here cut carbon; saying so would strengthen the regional case."),
    dict(kind=K.EVIDENCE, section="market", sector="Digital", title="Market sizing chart",
         body="A chart of the national market for the products named, 2018 to 2022.",
         attach="png"),
    dict(kind=K.SUGGESTED_CHANGE, section="approach", sector=None, title="Add a fast-track call",
         body="Firms that are nearly market-ready should not wait for the next open call.",
         adds="A fast-track route will let nearly market-ready firms join between calls."),
    dict(kind=K.COMMENT, section="team", sector=None, title="Name the clinical lead",
         body="Assessors will look for a named clinical or technical lead for each facility."),
    dict(kind=K.RISK, section="costs", sector="Precision engineering and modern manufacturing",
         title="Equipment prices are rising",
         body="Quotes for the test rigs have risen by about 12% since the costs were drawn up.",
         attach="pdf"),
    dict(kind=K.SUGGESTED_CHANGE, section="wider_impacts", sector="Sustainability",
         title="Report carbon in tonnes",
         body="A figure in tonnes is easier to compare across projects.",
         adds="Each project will report the carbon it saves in tonnes of CO2 equivalent a year."),
    dict(kind=K.EVIDENCE, section="additionality", sector=None, title="No overlapping programme",
         body="We checked the UKRI and regional funding lists: no programme offers this mix."),
    dict(kind=K.COMMENT, section="project_management", sector="Skills",
         title="Quarterly reports to partners too",
         body="Partners would like the quarterly report as well, to plan staff time."),
]

# What staff answer, in turn, for input that gets a response: (outcome, reason).
ANSWERS = [
    (S.ACCEPTED, "Thank you: this is now in the proposal."),
    (S.NOTED, "Noted for the delivery plan."),
    (S.PARTLY_ACCEPTED, "We took in part of this; the rest is for the delivery phase."),
    (S.DECLINED, "This is outside what Innovate UK will fund through this programme."),
    (S.ACCEPTED, ""),
    (S.NOTED, ""),
]

# For the proposal still in co-creation, what happens to each piece of input in turn.
# Input 8 on the demo proposal in co-creation is its suggested change to "Wider impacts".
OPEN_PLAN = ["answer", "answer", "answer", "review", "review", "withdraw", "leave", "leave",
             "conflict", "answer", "leave", "leave"]


def give_demo_input(proposal, position: int, people: dict, owner, still_open: bool) -> int:
    """Experts' input on a proposal in co-creation; every piece is answered unless `still_open`
    (then some wait, some are under review, one is withdrawn and one suggestion meets a later
    edit of its section). Returns how many were given."""
    experts = [people[email] for email in EXPERT_SECTORS]
    sections = {section.key: section for section in sections_of(proposal.id)}
    sectors = {sector.name: sector for sector in db.session.scalars(select(Sector))}
    first_priority = _first_priority(proposal, sectors)
    count = len(BANK) if still_open else 7
    given = []
    for index in range(count):
        item = BANK[(index + position * 5) % len(BANK)]
        author = experts[(index + position * 3) % len(experts)]
        section = sections.get(item["section"]) if item["section"] else None
        suggested = None
        if item["kind"] is K.SUGGESTED_CHANGE:
            suggested = (section.text + " " + item["adds"]).strip()
        contribution = submit_contribution(
            proposal, author, kind=item["kind"], title=item["title"], body=item["body"],
            sector=sectors[item["sector"]] if item["sector"] else first_priority, section=section,
            suggested_text=suggested,
            declaration="I advise one of the partners." if index % 5 == 4 else "",
            show_type_only=author.email == "nadia.hussain@example.org",
        )
        db.session.flush()
        if item.get("attach"):
            name, data = _demo_file(item["attach"], item["title"])
            attach_files(contribution, [(files.check_upload(name, data, 0), data)], _upload_folder())
        contribution.created_at = utcnow() - timedelta(days=20 - index if still_open else 40 - index * 3)
        given.append((contribution, author))
    db.session.flush()
    _ask(proposal, owner, people, sections, sectors, given, still_open)
    plan = OPEN_PLAN if still_open else ["answer"] * count
    answered = 0
    for (contribution, author), step in zip(given, plan, strict=True):
        if step == "withdraw":
            withdraw_contribution(contribution, author, proposal)
        elif step in ("review", "conflict"):
            mark_under_review(proposal, [contribution.id], owner)
        if step == "conflict" and contribution.section_id is not None:
            section = next(s for s in sections.values() if s.id == contribution.section_id)
            _edit_after(section, proposal, owner)
        if step == "answer" and contribution.kind is K.PRIORITY_RECOMMENDATION and position == 3:
            # Staff take this one in as a priority in one step (it is answered as accepted).
            take_in_recommendation(proposal, contribution, contribution_sector(contribution),
                                   Decimal(0), "Named by the experts: every project cuts carbon.", owner)
        elif step == "answer":
            _answer(contribution, proposal, owner, ANSWERS[answered % len(ANSWERS)])
            answered += 1
        db.session.flush()
    _stances(proposal, people, owner, still_open)
    return len(given)


def contribution_sector(contribution):
    return db.session.get(Sector, contribution.sector_id)


def _stances(proposal, people, owner, still_open: bool) -> None:
    """Experts endorse the first priority and challenge the second (answered by staff); on the
    proposal still in co-creation one challenge waits and one expert changes their mind after
    the reply."""
    priorities = ranked_priorities(proposal.id)
    if len(priorities) < 2:
        return
    first, second = priorities[0], priorities[1]
    take_stance(proposal, first, people["nadia.hussain@example.org"], StanceKind.ENDORSE,
                "Matches what our members plan to invest in.")
    take_stance(proposal, first, people["kwame.mensah@example.org"], StanceKind.ENDORSE, "")
    challenge = take_stance(proposal, second, people["sam.oconnor@example.org"], StanceKind.CHALLENGE,
                            "The share understates the part the regional supply chain plays.")
    changes_mind = None
    if still_open:
        changes_mind = take_stance(proposal, second, people["lucy.turner@example.org"],
                                   StanceKind.ENDORSE, "Sensible given the partners.")
        take_stance(proposal, first, people["mark.davies@example.org"], StanceKind.CHALLENGE,
                    "Too broad: name the industrial processes it covers.")
    db.session.flush()
    challenge.expert = people["sam.oconnor@example.org"]  # answer_challenge names them
    answer_challenge(proposal, second, challenge,
                     "The supply chain's part is counted under the first priority's share.",
                     challenge.version, owner)
    db.session.flush()
    if changes_mind is not None:
        take_stance(proposal, second, people["lucy.turner@example.org"], StanceKind.CHALLENGE,
                    "Having read the reply, I think the share should be higher.")
        db.session.flush()


def _ask(proposal, owner, people, sections, sectors, given, still_open: bool) -> None:
    """Requests for input: one that the first two contributors answered; on the proposal still in
    co-creation also one open to a whole sector and one overdue. Dates are set back as if the
    requests had been made weeks ago."""
    today = utcnow().date()
    first, second = given[0][0], given[1][0]
    answered = ask_for_input(
        proposal, owner, message="Please tell us what evidence would strengthen the case.",
        due_on=today + timedelta(days=14), today=today, experts=[given[0][1], given[1][1]],
    )
    db.session.flush()
    answered.created_at = min(first.created_at, second.created_at) - timedelta(days=2)
    if not still_open:
        return
    ask_for_input(
        proposal, owner, message="How should the costs allow for hydrogen price changes?",
        due_on=today + timedelta(days=7), today=today, sector=sectors["Clean tech"],
        section=sections["costs"],
    )
    overdue = ask_for_input(
        proposal, owner, message="Which risks to workers' safety should the register name?",
        due_on=today, today=today, section=sections["risks"],
        experts=[people["lucy.turner@example.org"], people["hannah.wright@example.org"]],
    )
    db.session.flush()
    overdue.created_at, overdue.due_on = utcnow() - timedelta(days=15), today - timedelta(days=2)


def _answer(contribution, proposal, actor, answer) -> None:
    outcome, reason = answer
    final_text = None
    if contribution.kind is K.SUGGESTED_CHANGE and outcome is S.PARTLY_ACCEPTED:
        # Take the suggestion in, softened: "will" becomes "should".
        head, tail = contribution.suggested_text.rsplit(" will ", 1)
        final_text = f"{head} should {tail}"
    response = respond(contribution, proposal, outcome=outcome, reason=reason, actor=actor,
                       final_text=final_text)
    db.session.flush()
    response.responded_at = contribution.created_at + timedelta(days=2 + contribution.id % 6)


def _edit_after(section, proposal, actor) -> None:
    """Staff change a section after a suggestion was made on it: accepting it shows both changes."""
    save_section(section, text=section.text + " Partners confirmed their commitments in writing.",
                 note="Partners' letters", assignee_id=section.assignee_id, state=section.state,
                 started_from=section.version, actor=actor, proposal=proposal)


def _first_priority(proposal, sectors: dict):
    sector_id = db.session.scalar(
        select(SectorPriority.sector_id).where(SectorPriority.proposal_id == proposal.id)
        .order_by(SectorPriority.rank)
    )
    return db.session.get(Sector, sector_id) if sector_id else sectors["Digital"]


def register_expert_sectors(people: dict) -> None:
    """Each demo expert's sectors and themes, as they would choose them on their profile."""
    sectors = {sector.name: sector.id for sector in db.session.scalars(select(Sector))}
    existing = set(db.session.execute(select(expert_sector.c.user_id, expert_sector.c.sector_id)))
    rows = [
        {"user_id": people[email].id, "sector_id": sectors[name]}
        for email, names in EXPERT_SECTORS.items() for name in names
        if (people[email].id, sectors[name]) not in existing
    ]
    if rows:
        db.session.execute(insert(expert_sector), rows)


def _upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def _demo_file(kind: str, title: str) -> tuple[str, bytes]:
    """A small real file: a one-page PDF with the title on it, or a PNG bar chart."""
    slug = "-".join(title.lower().split())[:40]
    if kind == "pdf":
        return f"{slug}.pdf", _pdf(title)
    return f"{slug}.png", _png()


def _pdf(text: str) -> bytes:
    """A valid one-page PDF showing `text` in Helvetica."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _png(width: int = 120, height: int = 80) -> bytes:
    """A valid greyscale PNG of four bars."""
    heights = [30, 55, 45, 70]
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type: none
        for x in range(width):
            bar = x // 30
            row.append(60 if x % 30 < 22 and height - y <= heights[bar] else 255)
        rows.append(bytes(row))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))

