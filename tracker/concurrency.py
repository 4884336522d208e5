"""Optimistic locking: an edit made on an old version is refused, never silently applied."""


class EditConflict(Exception):
    """Someone saved the object after the person opened their form."""

    def __init__(self, current_version: int):
        super().__init__(f"the object is now at version {current_version}")
        self.current_version = current_version


def check_version(obj, started_from: int | None) -> None:
    """Refuse the edit when `obj` changed since version `started_from` was shown."""
    if started_from is None or started_from != obj.version:
        raise EditConflict(obj.version)


def conflicting_fields(saved: dict, typed: dict, labels: dict) -> list[dict]:
    """The fields where the saved value and the person's typed value differ, for display."""
    rows = []
    for key, label in labels.items():
        if saved.get(key) != typed.get(key):
            rows.append({"label": label, "saved": saved.get(key), "typed": typed.get(key)})
    return rows
