"""/dashboard: a programme's proposals at a glance (headline figures, a row per proposal,
charts with their tables, filters kept in the address), with what waits for a board member's
decision first (the board's home page); /dashboard/contributions: the contributions behind a
chart figure; /programmes/<id>/board-pack and .pdf: the board pack, to print or download."""

from datetime import date

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_login import current_user

from tracker.auth.access import allow
from tracker.auth.models import Role
from tracker.dashboard import queries
from tracker.dashboard.figures import ASKING_STAGES, Figures, programme_figures, proposal_rows
from tracker.dashboard.forms import AT_RISK, FilterForm, Filters, SwitcherForm, read_filters, read_input_sector, read_month
from tracker.dashboard.queries import Chosen
from tracker.extensions import db
from tracker.milestones.timeline import short_date
from tracker.programmes.models import Programme
from tracker.proposals.models import ProposalStage
from tracker.proposals.queries import UNALLOCATED, sector_choices

bp = Blueprint("dashboard", __name__)

READERS = (Role.ADMIN, Role.STAFF, Role.BOARD)


def today() -> date:
    """The day the dashboard is worked out for (one place, so tests can fix it)."""
    return date.today()


class Links:
    """The lists behind the dashboard's figures, keeping its filters."""

    def __init__(self, filters: Filters):
        self.chosen = filters.chosen
        self.args = filters.url_args()

    def proposals(self, stages=None, sector=None) -> str | None:
        """The proposals list: this programme, owner and sector (or `sector`, a sector id or
        UNALLOCATED), at `stages` (the stages shown when None); None for no stage at all."""
        stages = list(self.chosen.stages or ProposalStage) if stages is None else list(stages)
        if not stages:
            return None
        every = set(stages) == set(ProposalStage)
        return url_for(
            "proposals.index", programme=self.chosen.programme_id,
            stage=None if every else ",".join(stage.value for stage in stages),
            sector=sector if sector is not None else self.chosen.sector_id, owner=self.chosen.owner_id,
        )

    def asking(self, sector=None) -> str | None:
        """The proposals still asking for funding or funded (the funding figures)."""
        return self.proposals([stage for stage in self.chosen.stages or ProposalStage if stage in ASKING_STAGES],
                              sector)

    def funded(self) -> str:
        """The funded proposals (the "funded so far" figure)."""
        return self.proposals([ProposalStage.FUNDED])

    def sector_line(self, line=None) -> str | None:
        """The proposals behind a sector's (or the unallocated remainder's) funding figure; with
        no line, every proposal the funding figures cover."""
        if line is None:
            return self.asking()
        return self.asking(line.sector.id if line.sector else UNALLOCATED)

    def dashboard(self, **changes) -> str:
        return url_for("dashboard.index", **{**self.args, **changes})

    def at_risk(self) -> str:
        return self.dashboard(show=AT_RISK, _anchor="proposals")

    def contributions(self, sector_id: int | None = None, month: date | None = None) -> str:
        """The contributions on the proposals shown, of one sector or theme and one month."""
        return url_for("dashboard.contributions", **self.args, contribution_sector=sector_id,
                       month=f"{month:%Y-%m}" if month else None)

    def timeline(self, rag=None) -> str:
        return url_for("milestones.programme_timeline", programme_id=self.chosen.programme_id,
                       rag=rag.value if rag else None)


def _paginate(query):
    """A page of `query`; a page number past the end shows the last page (and says so)."""
    per_page = current_app.config["PAGE_SIZE"]
    page = db.paginate(query, per_page=per_page, error_out=False)
    if page.page > 1 and not page.items and page.pages:
        asked = page.page
        page = db.paginate(query, page=page.pages, per_page=per_page, error_out=False)
        page.asked_past_end = asked
    return page


@bp.route("/dashboard")
@allow(*READERS)
def index():
    """A programme's proposals at a glance, with what waits for a board member first."""
    return render_dashboard("Dashboard")


def render_dashboard(title: str):
    """The dashboard page under `title` (the board's home page is the dashboard too)."""
    programmes = queries.programmes_newest_first()
    sectors, owners = sector_choices(), queries.owner_choices()
    filters = read_filters(request.args, programmes, sectors, owners)
    context = {
        "title": title, "filters": filters, "programmes": programmes,
        "switcher": SwitcherForm.showing(filters, programmes),
        "filter_form": FilterForm.showing(filters, sectors, owners),
        "narrowed": filters.describe(dict(sectors), dict(owners)),
    }
    if current_user.is_board:
        context["waiting"], context["waiting_total"] = queries.waiting_for_decision(
            current_user, current_app.config["PAGE_SIZE"]
        )
    if filters.chosen is None:
        return render_template("dashboard/index.html", **context)
    programme = db.session.get(Programme, filters.chosen.programme_id)
    figures = programme_figures(programme, filters.chosen, today())
    page = _paginate(queries.rows_query(filters.chosen, figures.at_risk_ids if filters.at_risk_only else None))
    links = Links(filters)

    def page_url(number: int) -> str:
        return links.dashboard(show=AT_RISK if filters.at_risk_only else None, page=number, _anchor="proposals")

    return render_template(
        "dashboard/index.html", programme=programme, figures=figures, page=page,
        rows=proposal_rows(page.items, figures), links=links, page_url=page_url, short_date=short_date,
        **context,
    )


@bp.route("/dashboard/contributions")
@allow(*READERS)
def contributions():
    """The contributions behind a figure of the dashboard's chart: on the proposals it shows,
    of one sector or theme and one month, oldest first."""
    programmes = queries.programmes_newest_first()
    sectors, owners = sector_choices(), queries.owner_choices()
    filters = read_filters(request.args, programmes, sectors, owners)
    month = read_month(request.args, filters.ignored)
    names = dict(sectors)
    sector_id = read_input_sector(request.args, set(names), filters.ignored)
    context = {"filters": filters, "title": "Contributions"}
    if filters.chosen is None:
        return render_template("dashboard/contributions.html", **context)
    kept = {**filters.url_args(), "contribution_sector": sector_id, "month": f"{month:%Y-%m}" if month else None}

    def page_url(number: int) -> str:
        return url_for("dashboard.contributions", **kept, page=number)

    return render_template(
        "dashboard/contributions.html", programme=db.session.get(Programme, filters.chosen.programme_id),
        page=_paginate(queries.contributions_query(filters.chosen, sector_id, month)), page_url=page_url,
        month=month, sector_name=names.get(sector_id), links=Links(filters),
        narrowed=filters.describe(names, dict(owners)), **context,
    )


def _pack_context(programme: Programme) -> dict:
    """What the board pack shows: every proposal of the programme, all rows."""
    filters = Filters(Chosen(programme.id))
    figures: Figures = programme_figures(programme, filters.chosen, today())
    proposals = list(db.session.scalars(queries.rows_query(filters.chosen)))
    return {
        "programme": programme, "figures": figures, "rows": proposal_rows(proposals, figures),
        "links": Links(filters), "filters": filters, "short_date": short_date, "in_pack": True,
        "title": "Board pack",
    }


@bp.route("/programmes/<int:programme_id>/board-pack")
@allow(*READERS)
def board_pack(programme_id: int):
    """The board pack as a page to print: headline figures, every proposal, the charts."""
    programme = db.get_or_404(Programme, programme_id)
    return render_template("dashboard/board_pack.html", **_pack_context(programme))


@bp.route("/programmes/<int:programme_id>/board-pack.pdf")
@allow(*READERS)
def board_pack_pdf(programme_id: int):
    """The board pack as a PDF, drawn by WeasyPrint from the same page."""
    from tracker.dashboard import pack  # WeasyPrint loads Pango: on first use, not at start-up

    programme = db.get_or_404(Programme, programme_id)
    html = render_template("dashboard/board_pack.html", **_pack_context(programme), as_pdf=True)
    document = pack.render_pdf(html, request.url_root, current_app.static_folder, current_app.static_url_path)
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{pack.filename(programme.name, today())}"',
    })
