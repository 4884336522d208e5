"""A base for enums that carry a label for display."""

import enum


class LabelledEnum(enum.Enum):
    """An enum whose members have a value for storage and a label for people."""

    def __new__(cls, value: str, label: str):
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list:
        """The members as a form's choices (value, label)."""
        from wtforms.fields.choices import SelectChoice

        return [SelectChoice(member.value, member.label) for member in cls]

    def __str__(self) -> str:
        return self.label
