"""The password rule: 12 or more characters, no composition rules, no common passwords."""

from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 256


@cache
def common_passwords() -> frozenset[str]:
    """About 30,000 passwords seen most often in breaches (zxcvbn's list), lower-cased."""
    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """What is wrong with `password`, in words for the person, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in common_passwords() or _repeats_one_thing(lowered) or _is_a_run(lowered):
        return "Password is too common or easy to guess. Try 3 random words"
    if email and lowered in {email.lower(), email.lower().split("@")[0]}:
        return "Password must not be your email address"
    if name and lowered.replace(" ", "") == name.lower().replace(" ", ""):
        return "Password must not be your name"
    return None


def _is_a_run(password: str) -> bool:
    """'123456789012', 'abcdefghijkl', 'zyxwvutsrqpo': each character one on from the last."""
    steps = {ord(b) - ord(a) for a, b in zip(password, password[1:], strict=False)}
    digits_wrapping = password.isdigit() and all(
        (int(b) - int(a)) % 10 in (1, 9) for a, b in zip(password, password[1:], strict=False)
    )
    return steps <= {1} or steps <= {-1} or digits_wrapping


def _repeats_one_thing(password: str) -> bool:
    """'aaaaaaaaaaaa', 'abcabcabcabc', 'passwordpassword': a short unit repeated."""
    for size in range(1, len(password) // 2 + 1):
        unit = password[:size]
        if len(password) % size == 0 and unit * (len(password) // size) == password:
            return unit in common_passwords() or size <= 4
    return False
