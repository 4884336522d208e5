"""The form for choosing how one hears about each kind of event by email."""

from flask_wtf import FlaskForm
from wtforms import RadioField

from tracker.notifications.models import Delivery, NotificationKind

FIELD_PREFIX = "delivery_"


class EmailChoicesForm(FlaskForm):
    """One set of radios per kind of event (fields added below, one per NotificationKind)."""

    def choices(self) -> dict[NotificationKind, Delivery]:
        """The chosen delivery for each kind."""
        return {kind: Delivery(self[self.field_of(kind)].data) for kind in NotificationKind}

    @classmethod
    def showing(cls, deliveries: dict[NotificationKind, Delivery]) -> "EmailChoicesForm":
        """The form filled in with what is saved, not with anything posted."""
        return cls(formdata=None, data={cls.field_of(kind): delivery.value
                                        for kind, delivery in deliveries.items()})

    @staticmethod
    def field_of(kind: NotificationKind) -> str:
        """The field's name for a kind."""
        return FIELD_PREFIX + kind.value


for _kind in NotificationKind:
    # A missing or made-up choice fails the field's own check, with this message.
    setattr(EmailChoicesForm, EmailChoicesForm.field_of(_kind), RadioField(
        _kind.label, choices=Delivery.choices(),
        invalid_choice_message=f"Choose how you hear about “{_kind.label[0].lower() + _kind.label[1:]}”",
    ))
