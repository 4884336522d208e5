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
    if lowered in common_passwords() or _repeats_one_thing(lowered):
        return "Password is too common or easy to guess. Try 3 random words"
    if email and lowered in {email.lower(), email.lower().split("@")[0]}:
        return "Password must not be your email address"
    if name and lowered.replace(" ", "") == name.lower().replace(" ", ""):
        return "Password must not be your name"
    return None


def _repeats_one_thing(password: str) -> bool:
    """'aaaaaaaaaaaa', 'abcabcabcabc', 'passwordpassword': a short unit repeated."""
    for size in range(1, len(password) // 2 + 1):
        unit = password[:size]
        if len(password) % size == 0 and unit * (len(password) // size) == password:
            return unit in common_passwords() or size <= 4
    return False
