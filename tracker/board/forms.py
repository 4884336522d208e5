"""The board member's decision form."""

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import Length, ValidationError

from tracker.board.models import BoardDecisionKind
from tracker.forms import strip

DECISION_HINTS = {
    BoardDecisionKind.ENDORSE.value: "The proposal can go to Innovate UK as it stands",
    BoardDecisionKind.ENDORSE_WITH_CONDITIONS.value: "Say what the conditions are in the comment",
    BoardDecisionKind.REQUEST_CHANGES.value: "Say what needs to change in the comment",
}

_COMMENT_NEEDED = {
    BoardDecisionKind.ENDORSE_WITH_CONDITIONS: "Enter the conditions of your endorsement",
    BoardDecisionKind.REQUEST_CHANGES: "Enter the changes you are asking for",
}


class DecisionForm(FlaskForm):
    """Endorse, endorse with conditions or request changes, with a comment."""

    # Checked by validate_decision, with a message that says what to do.
    decision = RadioField("Decision", choices=BoardDecisionKind.choices(), validate_choice=False)
    comment = TextAreaField(
        "Comment",
        filters=[strip],
        validators=[Length(max=2000, message="Comment must be 2,000 characters or fewer")],
    )

    def validate_decision(self, field):
        if field.data not in {kind.value for kind in BoardDecisionKind}:
            raise ValidationError("Select endorse, endorse with conditions or request changes")

    def validate_comment(self, field):
        kind = self.kind()
        if kind is not None and kind.needs_comment and not field.data:
            raise ValidationError(_COMMENT_NEEDED[kind])

    def kind(self) -> BoardDecisionKind | None:
        """The chosen decision, or None when nothing valid was chosen."""
        try:
            return BoardDecisionKind(self.decision.data)
        except ValueError:
            return None
