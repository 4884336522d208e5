"""The dashboard's filters, read from the address so that a view can be bookmarked and shared:
the programme, stages, the sector or theme the proposals serve, and their owner; and, for the
list of contributions behind a chart figure, a sector or theme and a month. A value that names
nothing is dropped and named in `ignored`: a stale or mistyped link never causes an error."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from wtforms import Form, SelectField, SelectMultipleField

from tracker.dashboard.queries import Chosen
from tracker.forms import choices
from tracker.proposals.models import ProposalStage
from tracker.proposals.queries import stages_named

AT_RISK = "at_risk"  # ?show=at_risk: only the proposals at risk in the table


@dataclass(frozen=True)
class Filters:
    """What the address asked for, once checked: `chosen` is None when there is no programme."""

    chosen: Chosen | None
    at_risk_only: bool = False
    ignored: list[str] = field(default_factory=list)

    @property
    def narrowed(self) -> bool:
        """Whether stages, a sector or an owner narrow the programme's proposals."""
        chosen = self.chosen
        return chosen is not None and bool(chosen.stages or chosen.sector_id or chosen.owner_id)

    def describe(self, sectors: Mapping[int, str], owners: Mapping[int, str]) -> str:
        """'at Draft, Co-creation, that serve Clean tech, owned by Tom Hughes' ('' for none)."""
        chosen = self.chosen
        if chosen is None:
            return ""
        parts = []
        if chosen.stages:
            parts.append("at " + ", ".join(stage.label for stage in chosen.stages))
        if chosen.sector_id is not None:
            parts.append(f"that serve {sectors[chosen.sector_id]}")
        if chosen.owner_id is not None:
            parts.append(f"owned by {owners[chosen.owner_id]}")
        return ", ".join(parts)

    def url_args(self) -> dict:
        """The filters in use, for links that keep them."""
        chosen = self.chosen
        if chosen is None:
            return {}
        return {
            "programme": chosen.programme_id,
            "stage": ",".join(stage.value for stage in chosen.stages) or None,
            "sector": chosen.sector_id,
            "owner": chosen.owner_id,
        }


def _shown(value: str) -> str:
    """A value from the address as the notice quotes it (long ones cut short)."""
    return value if len(value) <= 40 else value[:40] + "…"


def _one_of(args: Mapping, name: str, label: str, known: set[int], ignored: list[str]) -> int | None:
    """The id in ?name= when it is one of `known`; else None, and a blank is not ignored."""
    value = args.get(name, "").strip()
    if value.isdigit() and int(value) in known:
        return int(value)
    if value:
        ignored.append(f"{label} “{_shown(value)}”")
    return None


def read_filters(args: Mapping, programmes: Sequence[tuple[int, str]], sectors: Sequence[tuple[int, str]],
                 owners: Sequence[tuple[int, str]]) -> Filters:
    """The dashboard's filters from the query string; the newest programme when none (or none
    known) is named."""
    ignored: list[str] = []
    programme_id = _one_of(args, "programme", "programme", {id_ for id_, _ in programmes}, ignored)
    if programme_id is None and programmes:
        programme_id = programmes[0][0]
    stages, unknown = stages_named(args.getlist("stage"))
    ignored += [f"stage “{_shown(value)}”" for value in unknown]
    sector_id = _one_of(args, "sector", "sector or theme", {id_ for id_, _ in sectors}, ignored)
    owner_id = _one_of(args, "owner", "owner", {id_ for id_, _ in owners}, ignored)
    show = args.get("show", "").strip()
    if show and show != AT_RISK:
        ignored.append(f"show “{_shown(show)}”")
    if programme_id is None:
        return Filters(None, False, ignored)
    return Filters(Chosen(programme_id, tuple(stages), sector_id, owner_id), show == AT_RISK, ignored)


def read_month(args: Mapping, ignored: list[str]) -> date | None:
    """?month=2023-01 as the first of that month; None (and named) when it is not one."""
    value = args.get("month", "").strip()
    if not value:
        return None
    year, _, month = value.partition("-")
    if year.isdigit() and month.isdigit() and len(year) == 4 and 1 <= int(month) <= 12:
        return date(int(year), int(month), 1)
    ignored.append(f"month “{_shown(value)}”")
    return None


def read_input_sector(args: Mapping, sector_ids: set[int], ignored: list[str]) -> int | None:
    """?contribution_sector=: the sector or theme the input was given for (not the proposals')."""
    return _one_of(args, "contribution_sector", "sector or theme of the input", sector_ids, ignored)


class SwitcherForm(Form):
    """The programme switcher: a GET form, so no CSRF token."""

    programme = SelectField("Programme")

    @classmethod
    def showing(cls, filters: Filters, programmes) -> "SwitcherForm":
        form = cls(data={"programme": str(filters.chosen.programme_id) if filters.chosen else ""})
        form.programme.choices = choices([(str(id_), name) for id_, name in programmes])
        return form


class FilterForm(Form):
    """The dashboard's filters as the page shows them: a GET form, so no CSRF token."""

    stage = SelectMultipleField("Stages", choices=ProposalStage.choices())
    sector = SelectField("Sector or theme they serve")
    owner = SelectField("Owner")

    @classmethod
    def showing(cls, filters: Filters, sectors, owners) -> "FilterForm":
        """The form with every choice, and those in use selected."""
        chosen = filters.chosen
        form = cls(data={
            "stage": [stage.value for stage in chosen.stages] if chosen else [],
            "sector": str(chosen.sector_id or "") if chosen else "",
            "owner": str(chosen.owner_id or "") if chosen else "",
        })
        form.sector.choices = choices([(str(id_), name) for id_, name in sectors], blank="Any sector or theme")
        form.owner.choices = choices([(str(id_), name) for id_, name in owners], blank="Anyone")
        return form
