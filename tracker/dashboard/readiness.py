"""Proposal readiness: a checklist computed from what the tracker knows (required sections
complete, contributions answered, priorities set, no red milestones, board endorsed), each item
done or to do with its reason in words, and the share done as a whole percentage. Pure: the
facts come from tracker/dashboard/queries.py readiness_facts, for many proposals at once."""

from dataclasses import dataclass
from fractions import Fraction

from tracker.board.models import RoundOutcome
from tracker.board.services import Tally, tally_sentence
from tracker.enums import LabelledEnum


class ReadinessItem(LabelledEnum):
    """One item of the checklist, in the order a proposal usually gets there."""

    SECTIONS = ("sections", "Required sections complete")
    PRIORITIES = ("priorities", "Sector priorities set")
    CONTRIBUTIONS = ("contributions", "Every contribution answered")
    MILESTONES = ("milestones", "No red milestones")
    BOARD = ("board", "Endorsed by the board")


@dataclass(frozen=True)
class BoardStanding:
    """The proposal's latest board review round: its number, whether it is still open, the
    outcome it closed with, and its tally."""

    number: int
    is_open: bool
    outcome: RoundOutcome | None
    tally: Tally

    @property
    def endorsed(self) -> bool:
        """A closed round counts by what became of the proposal (endorsed and submitted, or sent
        back); an open one by its tally against the quorum (DOMAIN.md)."""
        if self.is_open:
            return self.tally.endorsed
        return self.outcome is RoundOutcome.ENDORSED


@dataclass(frozen=True)
class ReadinessFacts:
    """What the checklist is worked out from, as plain values."""

    required_sections: int
    incomplete_sections: tuple[str, ...]  # titles of required sections not complete, in order
    open_contributions: int  # submitted or under review: waiting for a response
    answered_contributions: int
    priorities: int
    red_milestones: int  # the proposal's own milestones that are red today
    board: BoardStanding | None  # None: never in board review


@dataclass(frozen=True)
class Check:
    """One item of the checklist: done or to do, and why, in words."""

    item: ReadinessItem
    done: bool
    reason: str

    @property
    def status(self) -> str:
        return "Done" if self.done else "To do"


@dataclass(frozen=True)
class Readiness:
    """The checklist and the share of it done."""

    checks: tuple[Check, ...]

    @property
    def done(self) -> int:
        return sum(check.done for check in self.checks)

    @property
    def percent(self) -> int:
        """Items done over items, as a whole percentage (half up)."""
        if not self.checks:
            return 0
        share = Fraction(self.done * 100, len(self.checks))
        return int(share + Fraction(1, 2))

    @property
    def summary(self) -> str:
        """'3 of 5 done (60%)'."""
        return f"{self.done} of {len(self.checks)} done ({self.percent}%)"


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def readiness(facts: ReadinessFacts) -> Readiness:
    """The checklist for one proposal's facts."""
    return Readiness((
        _sections(facts), _priorities(facts), _contributions(facts), _milestones(facts), _board(facts),
    ))


def _sections(facts: ReadinessFacts) -> Check:
    missing = facts.incomplete_sections
    if not facts.required_sections:
        return Check(ReadinessItem.SECTIONS, True, "The proposal has no required sections")
    if not missing:
        return Check(ReadinessItem.SECTIONS, True,
                     f"Every required section is complete ({facts.required_sections})")
    return Check(ReadinessItem.SECTIONS, False,
                 f"{len(missing)} of {facts.required_sections} not complete: {', '.join(missing)}")


def _priorities(facts: ReadinessFacts) -> Check:
    if facts.priorities:
        return Check(ReadinessItem.PRIORITIES, True, f"{_plural(facts.priorities, 'sector priority', 'sector priorities')} set")
    return Check(ReadinessItem.PRIORITIES, False, "No sector priority yet")


def _contributions(facts: ReadinessFacts) -> Check:
    waiting, answered = facts.open_contributions, facts.answered_contributions
    if waiting:
        return Check(ReadinessItem.CONTRIBUTIONS, False,
                     f"{_plural(waiting, 'contribution')} of {waiting + answered} waiting for a response")
    if answered:
        return Check(ReadinessItem.CONTRIBUTIONS, True, f"Every contribution has a response ({answered})")
    return Check(ReadinessItem.CONTRIBUTIONS, True, "No contributions waiting: none given yet")


def _milestones(facts: ReadinessFacts) -> Check:
    if facts.red_milestones:
        return Check(ReadinessItem.MILESTONES, False,
                     f"{_plural(facts.red_milestones, 'milestone')} red (overdue or blocked)")
    return Check(ReadinessItem.MILESTONES, True, "No milestone is overdue or blocked")


def _board(facts: ReadinessFacts) -> Check:
    board = facts.board
    if board is None:
        return Check(ReadinessItem.BOARD, False, "Not yet in board review")
    if board.is_open:
        verb = "endorse it" if board.endorsed else "have not endorsed it yet"
        return Check(ReadinessItem.BOARD, board.endorsed,
                     f"Round {board.number} is open and the board {verb}: {tally_sentence(board.tally)}")
    if board.endorsed:
        return Check(ReadinessItem.BOARD, True, f"Endorsed in round {board.number}")
    closed = board.outcome.label if board.outcome else "closed"
    return Check(ReadinessItem.BOARD, False, f"Round {board.number}: {closed}")
