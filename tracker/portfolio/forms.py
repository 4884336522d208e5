"""The targets form: one share per sector or theme in use, and a way to drop a retired one's."""

import re
from decimal import Decimal

from wtforms import BooleanField

from tracker.forms import PercentField, VersionForm
from tracker.portfolio.queries import TargetRow

SHARE_FIELD = re.compile(r"share_(\d+)")


class TargetsForm(VersionForm):
    """The programme's whole set of targets, a row per sector or theme: a share (blank for no
    target) for one in use; for a retired one that still has a target, a box to remove it."""

    rows: list[TargetRow]

    @classmethod
    def for_rows(cls, rows: list[TargetRow]) -> "TargetsForm":
        """A form with a field per row, filled in with the saved targets unless one was sent."""

        class Form(cls):
            pass

        for row in rows:
            sector = row.sector
            if sector.is_retired:
                setattr(Form, f"remove_{sector.id}",
                        BooleanField(f"Remove the target for {sector.name}"))
            else:
                setattr(Form, f"share_{sector.id}", PercentField(f"Target for {sector.name}"))
        form = Form(data={f"share_{row.sector.id}": row.target for row in rows})
        form.rows = rows
        return form

    def share_field(self, sector_id: int | None):
        """The field that sets this sector's target (None for a retired one, or none named)."""
        return self._fields.get(f"share_{sector_id}")

    def remove_field(self, sector_id: int):
        """The box that removes a retired sector's target (None for a sector in use)."""
        return self._fields.get(f"remove_{sector_id}")

    def shares(self) -> dict[int, Decimal | None]:
        """{sector id: target share, None for none}: the whole set as typed."""
        shares = {}
        for row in self.rows:
            remove = self.remove_field(row.sector.id)
            if remove is None:
                shares[row.sector.id] = self.share_field(row.sector.id).data
            else:
                shares[row.sector.id] = None if remove.data else row.target
        return shares

    def process(self, formdata=None, *args, **kwargs):
        """Keep what was sent, to look for targets on rows the form no longer has."""
        formdata = self.meta.wrap_formdata(self, formdata)
        self.sent = formdata or {}
        super().process(formdata, *args, **kwargs)

    def validate(self, extra_validators=None) -> bool:
        """The fields' own rules, and no target typed for a sector this form no longer offers
        (retired since the page was opened): that would otherwise be dropped without a word."""
        valid = super().validate(extra_validators)
        dropped = [
            name for name in self.sent
            if SHARE_FIELD.fullmatch(name) and name not in self._fields
            and self.sent.get(name, "").strip()
        ]
        if dropped:
            self.form_errors.append(
                "A sector or theme you gave a target to has been retired since you opened this "
                "page, so it can no longer take a new target: check the targets and save again"
            )
            return False
        return valid
