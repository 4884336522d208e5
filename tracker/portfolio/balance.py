"""The portfolio's arithmetic: each ask apportioned by its priorities' shares, then summed per
sector or theme and set against the programme's targets. Pure functions: no database."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from tracker.sectors.models import SectorKind

WHOLE = Decimal(100)
TENTH = Decimal("0.1")
UNALLOCATED = "Not allocated to a priority"


def apportion(ask: int, shares: Sequence[Decimal]) -> tuple[list[int], int]:
    """Split `ask` (whole pounds) by `shares` (percentages, in rank order, adding up to at most
    100): ([pounds per share], pounds not allocated to a priority). Largest remainder: each part
    is first rounded down, then the pounds left over go one each to the parts that lost most
    by rounding, ties to the higher-ranked part (the unallocated remainder ranks last), so the
    parts always add up to the ask exactly."""
    if ask < 0:
        raise ValueError("a funding ask cannot be negative")
    if any(share < 0 for share in shares):
        raise ValueError("a share cannot be negative")
    percents = [Fraction(share) for share in shares]
    rest = 100 - sum(percents, Fraction(0))
    if rest < 0:
        raise ValueError("shares add up to more than 100%")
    quotas = [Fraction(ask) * percent / 100 for percent in [*percents, rest]]
    parts = [int(quota) for quota in quotas]  # quotas are never negative: int() rounds down
    left_over = ask - sum(parts)
    by_remainder = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in by_remainder[:left_over]:
        parts[i] += 1
    return parts[:-1], parts[-1]


@dataclass(frozen=True)
class AskedRow:
    """One row of the portfolio query: a proposal's ask and one of its priorities (the priority
    columns are None for a proposal with none)."""

    proposal_id: int
    ask: int
    sector_id: int | None
    share: Decimal | None
    rank: int | None


@dataclass(frozen=True)
class SectorInfo:
    """What the portfolio shows of a sector or theme."""

    id: int
    name: str
    kind: SectorKind
    is_retired: bool


@dataclass
class BalanceLine:
    """One sector or theme (or the unallocated remainder, sector None): what the proposals shown
    ask for it, against its target."""

    sector: SectorInfo | None
    asked: int = 0
    proposal_ids: set[int] = field(default_factory=set)
    target: Decimal | None = None
    total: int = 0  # the funding asked by every proposal shown

    @property
    def name(self) -> str:
        """The sector's or theme's name, or "Not allocated to a priority"."""
        return self.sector.name if self.sector else UNALLOCATED

    @property
    def proposals(self) -> int:
        """How many of the proposals shown list this sector (or leave part of their ask unallocated)."""
        return len(self.proposal_ids)

    @property
    def share(self) -> Decimal | None:
        """Its share of the funding asked, to 0.1 point; None when nothing is asked."""
        if not self.total:
            return None
        return _tenths(Decimal(self.asked) * WHOLE / Decimal(self.total))

    @property
    def target_amount(self) -> int | None:
        """The target share of the funding asked, in whole pounds."""
        if self.target is None:
            return None
        return int((self.target * self.total / WHOLE).quantize(Decimal(1), ROUND_HALF_UP))

    @property
    def gap_points(self) -> Decimal | None:
        """Actual share minus target share, in percentage points (to 0.1)."""
        if self.target is None or self.share is None:
            return None
        exact = Decimal(self.asked) * WHOLE / Decimal(self.total) - self.target
        return _tenths(exact)

    @property
    def gap_pounds(self) -> int | None:
        """What is asked minus the target share of all that is asked, in whole pounds."""
        if self.target is None:
            return None
        return self.asked - self.target_amount


@dataclass
class Balance:
    """The portfolio: a line per sector and theme, the unallocated remainder, the total."""

    lines: list[BalanceLine]
    unallocated: BalanceLine
    total: int
    proposals: int

    @property
    def target_total(self) -> Decimal:
        """The targets added up."""
        return sum((line.target for line in self.lines if line.target is not None), Decimal(0))

    @property
    def all_lines(self) -> list[BalanceLine]:
        """The sectors and themes, then the unallocated remainder."""
        return [*self.lines, self.unallocated]


def balance(rows: Iterable[AskedRow], sectors: dict[int, SectorInfo],
            targets: dict[int, Decimal]) -> Balance:
    """Apportion each proposal's ask and add up the parts per sector or theme. `rows` come
    ordered by proposal and rank; `sectors` names every sector in the rows or the targets.
    Sectors with a target but nothing asked show £0; ones with neither are left out."""
    asks: dict[int, int] = {}
    priorities: dict[int, list[AskedRow]] = {}
    for row in rows:
        asks[row.proposal_id] = row.ask
        listed = priorities.setdefault(row.proposal_id, [])
        if row.sector_id is not None:
            listed.append(row)
    lines: dict[int, BalanceLine] = {}
    unallocated = BalanceLine(None)
    for proposal_id, ask in asks.items():
        listed = sorted(priorities[proposal_id], key=lambda row: row.rank)
        parts, rest = apportion(ask, [row.share for row in listed])
        for row, part in zip(listed, parts, strict=True):
            line = lines.setdefault(row.sector_id, BalanceLine(sectors[row.sector_id]))
            line.asked += part
            line.proposal_ids.add(proposal_id)
        if sum(row.share for row in listed) < WHOLE:
            unallocated.asked += rest
            unallocated.proposal_ids.add(proposal_id)
    for sector_id, target in targets.items():
        lines.setdefault(sector_id, BalanceLine(sectors[sector_id])).target = target
    total = sum(asks.values())
    ordered = sorted(lines.values(), key=lambda line: _sector_order(line.sector))
    for line in [*ordered, unallocated]:
        line.total = total
    return Balance(lines=ordered, unallocated=unallocated, total=total, proposals=len(asks))


def _sector_order(sector: SectorInfo):
    """Sectors before themes, then by name."""
    return (sector.kind is not SectorKind.SECTOR, sector.name.lower(), sector.id)


def _tenths(value: Decimal) -> Decimal:
    """To one decimal place, half up."""
    return value.quantize(TENTH, ROUND_HALF_UP)
