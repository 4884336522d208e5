"""Search as the pages use it: the matches of the reader's words among the proposals, sections
and contributions they may see, counted by kind and a page at a time, best first, with the
matching words highlighted. The database's own full-text search does the matching (index.py).

What the reader may see is the rule the pages use, reused as SQL: visible_proposals for
proposals and their sections, visible_contributions for contributions (an expert finds their
own input, and other experts' only once staff have answered it)."""

from dataclasses import dataclass

from flask import url_for
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup
from sqlalchemy import Select, func, select, union_all

from tracker.contributions.models import Contribution
from tracker.contributions.queries import visible_contributions
from tracker.extensions import db
from tracker.proposals.models import Proposal
from tracker.proposals.queries import visible_proposals
from tracker.search.highlight import highlighted
from tracker.search.index import HitKind, index_for
from tracker.search.terms import SearchTerms


@dataclass(frozen=True)
class Hit:
    """One result: what it is, where it belongs, and its title and text with the matches marked."""

    kind: HitKind
    object_id: int
    proposal_id: int
    proposal_title: str
    title: Markup
    snippet: Markup
    section_key: str | None

    @property
    def url(self) -> str:
        """The page the hit is on."""
        if self.kind is HitKind.PROPOSAL:
            return url_for("proposals.detail", proposal_id=self.proposal_id)
        if self.kind is HitKind.SECTION:
            return url_for("sections.view", proposal_id=self.proposal_id, key=self.section_key)
        return url_for("contributions.view", contribution_id=self.object_id)

    @property
    def in_proposal(self) -> bool:
        """Whether the hit is part of a proposal (a section or a contribution), not the proposal."""
        return self.kind is not HitKind.PROPOSAL


def _seen_by(user, kind: HitKind, query: Select) -> Select:
    """`query` (matches of one kind) narrowed to what `user` may see."""
    if kind is HitKind.CONTRIBUTION:
        seen = visible_contributions(user).with_only_columns(Contribution.id)
        return query.where(Contribution.id.in_(seen))
    return query.where(Proposal.id.in_(visible_proposals(user).with_only_columns(Proposal.id)))


def _union(queries: list[Select]):
    return (queries[0] if len(queries) == 1 else union_all(*queries)).subquery()


class SearchResults(Pagination):
    """One page of hits, best first, with db.paginate's interface, and `by_kind`: how many
    hits of each kind there are in all (every kind, whichever are shown)."""

    def __init__(self, user, terms: SearchTerms, kinds: list[HitKind], page: int, per_page: int):
        self.index = index_for(db.session.get_bind().dialect.name)
        self.terms = terms
        matches = {kind: _seen_by(user, kind, self.index.matching(kind, terms)) for kind in HitKind}
        everything = _union(list(matches.values()))
        rows = db.session.execute(
            select(everything.c.kind, func.count()).group_by(everything.c.kind)
        ).all()
        self.by_kind = dict.fromkeys(HitKind, 0) | {HitKind(kind): count for kind, count in rows}
        self.kinds = kinds
        super().__init__(page=page, per_page=per_page, error_out=False,
                         chosen=[matches[kind] for kind in kinds])

    def _query_items(self) -> list[Hit]:
        chosen = _union(self._query_args["chosen"])
        order = (chosen.c.rank, chosen.c.kind, chosen.c.object_id)
        page = (
            select(chosen).order_by(*order).limit(self.per_page).offset(self._query_offset).subquery()
        )
        marked = self.index.marked(page, self.terms).order_by(page.c.rank, page.c.kind, page.c.object_id)
        return [
            Hit(HitKind(row.kind), row.object_id, row.proposal_id, row.proposal_title,
                highlighted(row.title), highlighted(row.body), row.section_key)
            for row in db.session.execute(marked)
        ]

    def _query_count(self) -> int:
        return sum(self.by_kind[kind] for kind in self.kinds)


def search(user, terms: SearchTerms, kinds: list[HitKind], page: int, per_page: int) -> SearchResults:
    """The page of hits for `terms` among `kinds` that `user` may see: two queries in all."""
    return SearchResults(user, terms, kinds, page, per_page)
