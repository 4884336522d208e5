"""The search form: read from the address (a GET form, no CSRF), so results can be bookmarked."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from tracker.forms import choices
from tracker.search.index import HitKind
from tracker.search.terms import SearchTerms, parse

NO_WORDS = "Enter a word to search for, using letters or numbers"


class SearchForm(FlaskForm):
    """What to look for, and which kind of result to show (every kind unless chosen). A kind the
    page does not offer is dropped and named in `ignored`, never an error."""

    class Meta:
        csrf = False

    q = StringField("Search for")
    kind = SelectField("Show", default="", choices=choices(
        [(kind.value, f"{kind.label}s") for kind in HitKind], blank="Everything"))

    def __init__(self, args):
        super().__init__(formdata=args)
        self.asked = "q" in args
        self.ignored = []
        if self.kind.data not in {choice.value for choice in self.kind.choices}:
            self.ignored.append(f"{self.kind.label.text} “{self.kind.data}”")
            self.kind.data = ""

    def terms(self) -> SearchTerms:
        """The words to look for; with none (an empty query, or only punctuation), the error
        that says so is set on the field."""
        terms = parse(self.q.data or "")
        if not terms:
            self.q.errors = [NO_WORDS]
        return terms

    def kinds(self) -> list[HitKind]:
        """The kinds of result to show."""
        return [HitKind(self.kind.data)] if self.kind.data else list(HitKind)
