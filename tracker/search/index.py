"""The full-text index underneath search, one implementation per database behind one interface.

SQLite: an FTS5 table (`search_index`, Porter stemming) that triggers keep in step with the
proposals, sections and contributions (migration 0007). PostgreSQL: to_tsvector('english', ...)
over the same text, answered by GIN expression indexes (migration 0007 again; each expression
here must stay exactly the one indexed there).

`matching(kind, terms)` gives a SELECT of the matches of one kind, with these columns: kind,
object_id, proposal_id, proposal_title, title, body, section_key and rank (lower is better);
Proposal is in its FROM, and Section or Contribution for those kinds, so that the caller can
narrow it to what the reader may see. `marked(page)` gives a page of those rows with the
matching words in title and body wrapped in highlight.START and highlight.END."""

from sqlalchemy import Float, Select, String, Subquery, cast, column, func, literal_column, null, select, table
from sqlalchemy.sql.elements import ColumnElement

from tracker.contributions.models import Contribution
from tracker.enums import LabelledEnum
from tracker.proposals.models import Proposal
from tracker.search.highlight import END, START
from tracker.search.schema import FTS_TABLE
from tracker.search.terms import SearchTerms
from tracker.sections.models import Section

# How many words a snippet of a long text shows around the matches.
SNIPPET_WORDS = 30


class HitKind(LabelledEnum):
    """What a search result is."""

    PROPOSAL = ("proposal", "Proposal")
    SECTION = ("section", "Section")
    CONTRIBUTION = ("contribution", "Contribution")


COLUMNS = ("kind", "object_id", "proposal_id", "proposal_title", "title", "body", "section_key", "rank")


def _columns(kind: HitKind, object_id, title, body, section_key, rank) -> list[ColumnElement]:
    return [
        literal_column(f"'{kind.value}'", String).label("kind"),  # the enum's own value
        object_id.label("object_id"),
        Proposal.id.label("proposal_id"),
        Proposal.title.label("proposal_title"),
        title.label("title"),
        body.label("body"),
        section_key.label("section_key"),
        cast(rank, Float).label("rank"),
    ]


MODELS = {HitKind.PROPOSAL: Proposal, HitKind.SECTION: Section, HitKind.CONTRIBUTION: Contribution}


def _with_proposal(query: Select, kind: HitKind) -> Select:
    """`query`, whose FROM has the matched object, joined to the object's proposal."""
    if kind is HitKind.PROPOSAL:
        return query
    model = MODELS[kind]
    return query.join(Proposal, Proposal.id == model.proposal_id)


def _title_and_key(kind: HitKind):
    """The column a match's own title comes from, and its section key (None but for sections)."""
    if kind is HitKind.PROPOSAL:
        return Proposal.title, cast(null(), String)
    if kind is HitKind.SECTION:
        return Section.title, Section.key
    return Contribution.title, cast(null(), String)


class SqliteIndex:
    """FTS5: `search_index` holds kind, object_id and proposal_id (not searched), title and body;
    its rowid is object_id * 4 + 1, 2 or 3 for a proposal, section or contribution."""

    TITLE_COLUMN, BODY_COLUMN = 3, 4
    fts = table(FTS_TABLE, column("kind"), column("object_id"), column("proposal_id"),
                column("title"), column("body"))
    table_name = literal_column(FTS_TABLE)

    def matching(self, kind: HitKind, terms: SearchTerms) -> Select:
        """Rows of `search_index` of this kind whose text holds every word."""
        fts, name = self.fts, self.table_name
        own_title, section_key = _title_and_key(kind)
        # A section's title is the standard one ("Risks"); only its text is indexed.
        title = own_title if kind is HitKind.SECTION else func.highlight(name, self.TITLE_COLUMN, START, END)
        body = func.snippet(name, self.BODY_COLUMN, START, END, "…", SNIPPET_WORDS)
        query = select(*_columns(kind, fts.c.object_id, title, body, section_key, func.bm25(name)))
        model = MODELS[kind]
        query = _with_proposal(query.select_from(fts).join(model, model.id == fts.c.object_id), kind)
        return query.where(
            fts.c.kind == kind.value, name.op("MATCH")(self.match_expression(terms)),
        )

    @staticmethod
    def match_expression(terms: SearchTerms) -> str:
        """Every word, each quoted as an FTS5 string, so none is read as an operator."""
        return " ".join('"{}"'.format(word.replace('"', '""')) for word in terms.words)

    def marked(self, page: Subquery, terms: SearchTerms) -> Select:
        """FTS5 marked the matches already (highlight and snippet need the MATCH beside them)."""
        return select(*(page.c[name] for name in COLUMNS))


# PostgreSQL's text search configuration: literal, so that the planner sees the indexed expression.
ENGLISH = literal_column("'english'::regconfig")
TITLE_OPTIONS = f"HighlightAll=true, StartSel={START}, StopSel={END}"
# Two fragments of half a snippet each. ts_headline leaves out what its parser reads as HTML
# tags (SQLite's snippet keeps them, as text); either way the page escapes what is left.
BODY_OPTIONS = (f"StartSel={START}, StopSel={END}, MaxFragments=2, MaxWords={SNIPPET_WORDS // 2}, "
                'MinWords=5, FragmentDelimiter=" … "')


def _joined_text(*columns) -> ColumnElement:
    """The columns' text joined by spaces: (a || ' ') || b, as the indexes spell it."""
    text = columns[0]
    for each in columns[1:]:
        text = text.op("||")(literal_column("' '")).op("||")(each)
    return text


def document(kind: HitKind) -> ColumnElement:
    """The tsvector searched for each kind: exactly the expression migration 0007 indexes."""
    if kind is HitKind.PROPOSAL:
        text = _joined_text(Proposal.title, Proposal.summary)
    elif kind is HitKind.SECTION:
        text = Section.text
    else:
        text = _joined_text(Contribution.title, Contribution.body)
    return func.to_tsvector(ENGLISH, text)


class PostgresIndex:
    """to_tsvector over the tables themselves, answered by the GIN indexes ix_search_*."""

    BODIES = {HitKind.PROPOSAL: Proposal.summary, HitKind.SECTION: Section.text,
              HitKind.CONTRIBUTION: Contribution.body}

    @staticmethod
    def query(terms: SearchTerms) -> ColumnElement:
        return func.plainto_tsquery(ENGLISH, terms.text)

    def matching(self, kind: HitKind, terms: SearchTerms) -> Select:
        """Rows of this kind whose document holds every word (as stems), raw text for now."""
        model = MODELS[kind]
        title, section_key = _title_and_key(kind)
        rank = -func.ts_rank(document(kind), self.query(terms))
        query = select(*_columns(kind, model.id, title, self.BODIES[kind], section_key, rank))
        return _with_proposal(query.select_from(model), kind).where(
            document(kind).op("@@")(self.query(terms))
        )

    def marked(self, page: Subquery, terms: SearchTerms) -> Select:
        """ts_headline on the page's rows only (it is slow on whole tables)."""
        headline = {
            "title": func.ts_headline(ENGLISH, page.c.title, self.query(terms), TITLE_OPTIONS),
            "body": func.ts_headline(ENGLISH, page.c.body, self.query(terms), BODY_OPTIONS),
        }
        return select(*(headline[name].label(name) if name in headline else page.c[name]
                        for name in COLUMNS))


def index_for(dialect: str):
    """The implementation for the database in use."""
    if dialect == "sqlite":
        return SqliteIndex()
    if dialect == "postgresql":
        return PostgresIndex()
    raise RuntimeError(f"search needs SQLite or PostgreSQL, not {dialect}")
