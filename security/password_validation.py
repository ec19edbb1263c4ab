"""A password validator that refuses passwords built from the person's own names.

Django's ``UserAttributeSimilarityValidator`` compares the whole password with each name on its own, so
``jordanlee2026`` (first name, last name, a year) passes it. This one refuses a password that is nothing but the
person's names, username parts, e-mail name parts and their initials (in any order, repeated), with any digits
and symbols around or between them; a digit or symbol may also stand for the letter it looks like
(``j0rdanl33`` is ``jordanlee``).
"""

import re

from django.core.exceptions import ValidationError

LOOK_ALIKES = {"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
               "@": "a", "$": "s", "!": "i", "|": "l", "+": "t"}
NAME_ATTRIBUTES = ("first_name", "last_name", "username")


def name_parts(user):
    """The lower-case words of the person's names, username and e-mail name, with their initials."""
    values = [getattr(user, attribute, "") or "" for attribute in NAME_ATTRIBUTES]
    values.append((getattr(user, "email", "") or "").partition("@")[0])
    words = {word for value in values for word in re.split(r"[\W\d_]+", value.casefold()) if word}
    return words | {word[0] for word in words}


def _same(typed, letter):
    return typed == letter or LOOK_ALIKES.get(typed) == letter


def made_of(password, parts):
    """Whether ``password`` (case-folded) is only ``parts`` (at least one) with digits and symbols around them.

    Worked out position by position, so the time grows with the length of the password times the number of
    parts (a regular expression's backtracking could take minutes on a long password).
    """
    # state[i]: how the first i characters can be read: 0 not at all, 1 as digits and symbols only, 2 with a part.
    state = [1] + [0] * len(password)
    for i, typed in enumerate(password):
        if not state[i]:
            continue
        if not typed.isalpha():
            state[i + 1] = max(state[i + 1], state[i])
        for part in parts:
            end = i + len(part)
            if end <= len(password) and state[end] < 2 and all(map(_same, password[i:end], part)):
                state[end] = 2
    return state[-1] == 2


class PersonalNamePasswordValidator:
    """Refuse a password made only from the person's own names (``jordanlee2026``, ``Lee.Jordan!88``)."""

    message = ("This password is made from your own name or username. Choose one that people who know your name "
               "could not guess, such as a few unrelated words.")

    def validate(self, password, user=None):
        parts = name_parts(user) if user is not None else set()
        if parts and made_of(password.casefold(), parts):
            raise ValidationError(self.message, code="password_from_own_name")

    def get_help_text(self):
        return "Your password cannot be made from your own name or username with numbers or symbols."
