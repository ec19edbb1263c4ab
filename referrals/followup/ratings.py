"""Welcoming of medication, rated from experience: what the clinic's patients said when asked whether they felt
welcome at a group as someone taking medication, added up per meeting and per program, per clinic.

The rules
---------
* An answer comes from a follow-up logged as done (by staff, or the patient's own answer through their personal
  link) that records "felt welcome" yes, partly or no, for the referrals it says the patient went to. "Did not
  say" is no answer.
* Each patient counts once per meeting (and once per program): by their latest answer.
* "Felt welcome" means yes; partly and no do not.
* A rating is shown only from ``RATING_FLOOR`` (3) patients on, so that no single patient's answer can be
  recognised; below it, nothing is shown but that too few have answered.

``welcome_ratings(clinic_id)`` works out every rating of one clinic in two queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext, ngettext

from .models import FeltWelcome, FollowUp, FollowUpStatus

RATING_FLOOR = 3
RATED_ANSWERS = [FeltWelcome.YES.value, FeltWelcome.PARTLY.value, FeltWelcome.NO.value]


@dataclass(frozen=True)
class WelcomeRating:
    welcomed: int
    reports: int

    @property
    def shown(self):
        return self.reports >= RATING_FLOOR

    @property
    def share(self):
        return self.welcomed / self.reports if self.reports else None

    @property
    def label(self):
        """In words, in the active language, e.g. "4 of 5 patients felt welcome", or why it is not shown."""
        if not self.shown:
            return gettext("Fewer than %(floor)d of the clinic's patients have said yet") % {"floor": RATING_FLOOR}
        return ngettext("%(welcomed)d of %(reports)d patient felt welcome",
                        "%(welcomed)d of %(reports)d patients felt welcome",
                        self.reports) % {"welcomed": self.welcomed, "reports": self.reports}


NO_RATING = WelcomeRating(0, 0)


@dataclass(frozen=True)
class Ratings:
    """The ratings of one clinic, by meeting id and by program id."""

    meetings: dict = field(default_factory=dict)
    programs: dict = field(default_factory=dict)

    def for_meeting(self, meeting_id):
        return self.meetings.get(meeting_id, NO_RATING)

    def for_program(self, program_id):
        return self.programs.get(program_id, NO_RATING)


NO_RATINGS = Ratings()


def _latest_answers(clinic_id, key):
    """(``key`` id, answer) of each patient's latest answer per meeting or program of the clinic's patients."""
    through = FollowUp.attended_referrals.through
    target = f"referral__{key}_id"
    rows = (through.objects
            .filter(referral__patient__clinic_id=clinic_id, followup__status=FollowUpStatus.DONE,
                    followup__felt_welcome__in=RATED_ANSWERS, **{f"{target}__isnull": False})
            .annotate(rank=Window(RowNumber(), partition_by=[F("referral__patient_id"), F(target)],
                                  order_by=[F("followup__done_on").desc(), F("followup_id").desc()]))
            .filter(rank=1)
            .values_list(target, "followup__felt_welcome"))
    tally = defaultdict(lambda: [0, 0])
    for target_id, answer in rows:
        tally[target_id][0] += answer == FeltWelcome.YES
        tally[target_id][1] += 1
    return {target_id: WelcomeRating(welcomed, reports) for target_id, (welcomed, reports) in tally.items()}


def welcome_ratings(clinic_id):
    """Every meeting's and program's rating in the clinic (two queries)."""
    return Ratings(meetings=_latest_answers(clinic_id, "meeting"), programs=_latest_answers(clinic_id, "program"))
