"""The password rule: 12 to 1,000 characters, no composition rules, nothing easy to guess.

"Easy to guess" is zxcvbn's estimate (score 3 or more of 4 passes), with the user's own name
and email address counted against the password. zxcvbn explains itself in English; we say why
in our own, translatable words, chosen from the kind of pattern that made it weak.
"""

from __future__ import annotations

import re

from crm.errors import UserError
from crm.messages import Message, msg

MIN_LENGTH = 12
MAX_LENGTH = 1000
MIN_SCORE = 3
# zxcvbn's matching grows fast with length; a passphrase's first 100 characters tell enough.
_CHECKED_LENGTH = 100


def check_password(password: str, user_inputs: tuple[str, ...] | list[str] = ()) -> None:
    """Raise UserError (field "password") saying why, if the password breaks the rule."""
    if len(password) < MIN_LENGTH:
        raise UserError(msg("The password must have at least %(min)d characters; a few "
                            "uncommon words make a good one.", min=MIN_LENGTH), field="password")
    if len(password) > MAX_LENGTH:
        raise UserError(msg("The password may have at most %(max)d characters.",
                            max=MAX_LENGTH), field="password")
    if "\x00" in password:
        raise UserError(msg("The password contains a NUL character."), field="password")
    checked = password[:_CHECKED_LENGTH]
    # Imported here: its word lists are 12 MB that every process (web workers, the scheduler)
    # would otherwise hold for the few that ever set a password.
    from zxcvbn import zxcvbn

    result = zxcvbn(checked, user_inputs=_inputs(user_inputs), max_length=_CHECKED_LENGTH)
    if result["score"] < MIN_SCORE:
        raise UserError(_why(result), field="password")


def _inputs(values) -> list[str]:
    """The user's own words: the whole name and email, and each part of them."""
    words: list[str] = []
    for value in values:
        value = (value or "").strip().lower()
        if not value:
            continue
        words.append(value)
        words.extend(part for part in re.split(r"[\s@._+-]+", value) if len(part) >= 3)
    return words


def _why(result: dict) -> Message:
    patterns = {match.get("pattern") for match in result["sequence"]}
    dictionaries = {match.get("dictionary_name") for match in result["sequence"]
                    if match.get("pattern") == "dictionary"}
    if "user_inputs" in dictionaries:
        return msg("The password is too easy to guess: it contains your name or email "
                   "address. Choose a few uncommon words that have nothing to do with you.")
    if "passwords" in dictionaries:
        return msg("The password is too easy to guess: it is, or is built on, one of the most "
                   "common passwords. Choose a few uncommon words instead.")
    if "repeat" in patterns:
        return msg("The password is too easy to guess: repeated characters or words (such as "
                   "“aaa” or “abcabc”) add little. Choose a few different, uncommon words.")
    if "sequence" in patterns:
        return msg("The password is too easy to guess: sequences such as “abcd” or “1234” "
                   "add little. Choose a few uncommon words instead.")
    if "spatial" in patterns:
        return msg("The password is too easy to guess: keyboard patterns such as “qwerty” "
                   "add little. Choose a few uncommon words instead.")
    if patterns & {"date", "regex"}:
        return msg("The password is too easy to guess: dates and years add little. Choose a "
                   "few uncommon words instead.")
    if "dictionary" in patterns:
        return msg("The password is too easy to guess: one or two common words or names are "
                   "not enough. Add another word or two; uncommon words are better.")
    return msg("The password is too easy to guess. Make it longer, for example with a few "
               "uncommon words.")
