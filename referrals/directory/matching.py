"""Matching (Stop 4): rank programs and meetings against a patient's needs, and say why in words.

The drinking goal and whether the patient is on MAUD come from the latest signed treatment plan (Stop 1);
the matching preferences' own answers count only while there is no signed plan.

``rank_options`` is a plain function of plain inputs, so the rules can be tested directly:

* Al-Anon (and any program for family and friends) is offered for the patient's family and friends,
  never as the patient's own group;
* a reduced-drinking goal brings programs that accept reduced drinking forward; a patient still deciding
  ("undecided") is open to both: programs built around stopping and programs that accept drinking less fit;
* spiritual content counts against the patient's preference; a program the pathway lists among the secular
  options that is openly spiritual (Wellbriety) says both, whatever the preference;
* women-only (and men-only) groups are offered only where the patient's preferences say they fit (a referral by
  hand asks for a confirmation with the reason: ``gender_fit_concern``);
* "welcoming of medication" counts for patients on MAUD (and only for them): what the clinic's patients reported
  (``ratings``, once at least 3 have answered for that meeting or program) comes before the published stance, and
  the reason says which one was used;
* a patient with no transportation (or who joins online only) sees online and app options first; a program whose
  formats are not recorded is neither left out nor put last for it: it is ranked by its score, with "formats not
  known" as a concern to check;
* when none of the clinic's meetings in the patient's language can be offered, the best meetings in other
  languages are shown, each saying so, with the programs known to meet online in that language.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import (
    Audience,
    CulturalFocus,
    DrinkingApproach,
    DrinkingGoal,
    GenderGroups,
    MatchingPreferences,
    MedicationWelcome,
    Meeting,
    MeetingAttendance,
    MeetingMedicationWelcome,
    SpiritualContent,
    SpiritualPreference,
    TimeOfDay,
    Transportation,
)
from .models.directory import WEEKDAY_NAMES

MEETINGS_SHOWN = 12


@dataclass(frozen=True)
class PatientNeeds:
    """Everything matching looks at, independent of where it is stored."""

    drinking_goal: str = DrinkingGoal.UNDECIDED
    on_maud: bool = False
    spiritual_content: str = SpiritualPreference.NO_PREFERENCE
    in_person_ok: bool = True
    online_ok: bool = True
    app_ok: bool = True
    online_only: bool = False
    language: str = "English"
    gender_groups: str = GenderGroups.NOT_ASKED
    cultural_focuses: frozenset = frozenset()
    available_days: frozenset = frozenset()
    available_times: frozenset = frozenset()
    transportation: str = Transportation.NOT_ASKED
    time_zone: str = ""  # the patient's (clinic's) zone: "evening" means evening there
    goal_source: object = None  # a GoalAndMedication: the signed plan or the preferences form

    @property
    def must_avoid_travel(self):
        return self.online_only or self.transportation == Transportation.NONE


@dataclass(frozen=True)
class GoalAndMedication:
    """The drinking goal and "on MAUD" matching uses, and where they came from."""

    drinking_goal: str
    on_maud: bool
    from_plan: bool = False
    plan_version: int | None = None
    plan_signed_at: object = None

    @property
    def drinking_goal_label(self):
        known = self.drinking_goal in DrinkingGoal.values
        return DrinkingGoal(self.drinking_goal).label if known else DrinkingGoal.UNDECIDED.label


def drinking_goal_and_maud(patient, preferences):
    """The patient's latest signed treatment plan (Stop 1) first: its drinking goal, and whether a MAUD
    medication is started in it. Only without a signed plan do the matching preferences' answers count.
    ``patient`` comes from ``Patient.objects.with_plan_status()``, which carries those facts (no query)."""
    if patient.plan_signed_number is not None:
        return GoalAndMedication(drinking_goal=patient.plan_drinking_goal or DrinkingGoal.UNDECIDED,
                                 on_maud=patient.plan_on_maud, from_plan=True,
                                 plan_version=patient.plan_signed_number, plan_signed_at=patient.plan_signed_at)
    return GoalAndMedication(drinking_goal=preferences.drinking_goal, on_maud=preferences.on_maud)


def needs_for(patient, preferences):
    """A patient's needs for matching, from their saved preferences (or defaults when none are saved)."""
    if preferences is None:
        preferences = MatchingPreferences.new_for(patient)
    source = drinking_goal_and_maud(patient, preferences)
    return PatientNeeds(
        drinking_goal=source.drinking_goal,
        on_maud=source.on_maud,
        goal_source=source,
        spiritual_content=preferences.spiritual_content,
        in_person_ok=preferences.in_person_ok,
        online_ok=preferences.online_ok,
        app_ok=preferences.app_ok,
        online_only=preferences.online_only,
        language=preferences.language or "English",
        gender_groups=preferences.gender_groups,
        cultural_focuses=frozenset(preferences.cultural_focuses or []),
        available_days=frozenset(int(d) for d in preferences.available_days or []),
        available_times=frozenset(preferences.available_times or []),
        transportation=preferences.transportation,
        time_zone=patient.clinic.time_zone,
    )


@dataclass
class Option:
    """One ranked program or meeting, with the reasons in words."""

    item: object
    score: float = 0.0
    fits: list = field(default_factory=list)
    concerns: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    left_out: str = ""
    travel_free: bool | None = False  # None: not known (a program whose formats are not recorded)

    def add(self, points, text):
        text = str(text)  # words in the language of the request (lazy ones from the tables above), kept as text
        self.score += points
        if points > 0:
            self.fits.append(text)
        elif points < 0:
            self.concerns.append(text)
        else:
            self.notes.append(text)


@dataclass
class Options:
    programs: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    family: list = field(default_factory=list)
    left_out_programs: list = field(default_factory=list)
    left_out_meetings: Counter = field(default_factory=Counter)
    meetings_considered: int = 0
    # No meeting in the patient's language could be offered: ``meetings`` are in other languages (each says so)
    # and ``online_in_language`` lists programs known to hold online meetings in that language.
    language_fallback: bool = False
    online_in_language: list = field(default_factory=list)

    @property
    def left_out_meeting_reasons(self):
        """(reason, count) pairs, most common first."""
        return self.left_out_meetings.most_common()


# Rules shared by programs and their meetings ---------------------------------------------------

def _drinking(needs, program, option):
    approach = program.drinking_approach
    if needs.drinking_goal == DrinkingGoal.REDUCED:
        if approach == DrinkingApproach.REDUCED_ACCEPTED:
            option.add(4, _("Accepts reduced drinking as a goal, which is the patient's goal"))
        elif approach == DrinkingApproach.ABSTINENCE:
            option.add(-3, _("Expects abstinence, while the patient's goal is to drink less"))
        elif approach == DrinkingApproach.VARIES:
            option.add(0, _("Whether reduced drinking is accepted varies by group"))
        else:
            option.add(-1, _("Not known whether reduced drinking is accepted"))
    elif needs.drinking_goal == DrinkingGoal.ABSTINENCE:
        if approach == DrinkingApproach.ABSTINENCE:
            option.add(2, _("Built around abstinence, the patient's goal"))
        elif approach == DrinkingApproach.REDUCED_ACCEPTED:
            option.add(1, _("Supports stopping as well as cutting down"))
    elif approach == DrinkingApproach.REDUCED_ACCEPTED:
        option.add(1, _("Welcomes stopping or drinking less, so it fits while the patient decides"))
    elif approach == DrinkingApproach.ABSTINENCE:
        option.add(1, _("Built around stopping, one of the goals the patient is weighing"))
    elif approach == DrinkingApproach.VARIES:
        option.add(0, _("Whether reduced drinking is accepted varies by group"))


SPIRITUAL_WHEN_AVOIDED = {
    SpiritualContent.NONE: (2, gettext_lazy("No spiritual or religious content, as the patient prefers")),
    SpiritualContent.SOME: (-2, gettext_lazy("Includes some spiritual content; the patient prefers none")),
    SpiritualContent.CENTRAL: (-4, gettext_lazy("Spiritual or religious content is central; the patient prefers none")),
    SpiritualContent.VARIES: (-1, gettext_lazy("Spiritual content varies by group; the patient prefers none")),
    SpiritualContent.UNKNOWN: (-1, gettext_lazy("Not known whether it has spiritual content; the patient prefers "
                                                "none")),
}
SPIRITUAL_WHEN_WANTED = {
    SpiritualContent.CENTRAL: (3, gettext_lazy("Spiritual or religious content is central, as the patient wants")),
    SpiritualContent.SOME: (2, gettext_lazy("Includes spiritual content, as the patient wants")),
    SpiritualContent.NONE: (-1, gettext_lazy("Secular, while the patient wants spiritual support")),
}


def _spiritual(needs, program, option):
    table = {SpiritualPreference.AVOID: SPIRITUAL_WHEN_AVOIDED,
             SpiritualPreference.WANTS: SPIRITUAL_WHEN_WANTED}.get(needs.spiritual_content, {})
    points, text = table.get(program.spiritual_content, (0, ""))
    if program.listed_as_secular_but_spiritual:
        # Both facts, whatever the preference: where the pathway lists it, and what it is.
        # Both facts, written whole for each case, so that each language can word them its own way.
        focus = CulturalFocus(program.cultural_focus).label if program.cultural_focus else ""
        wish = {SpiritualPreference.AVOID: "avoid", SpiritualPreference.WANTS: "wants"}.get(needs.spiritual_content)
        texts = {
            (True, "avoid"): _("Listed among the pathway's secular options, but openly spiritual, grounded in "
                               "%(focus)s; the patient prefers no spiritual content"),
            (True, "wants"): _("Listed among the pathway's secular options, but openly spiritual, grounded in "
                               "%(focus)s, as the patient wants"),
            (True, None): _("Listed among the pathway's secular options, but openly spiritual, grounded in "
                            "%(focus)s"),
            (False, "avoid"): _("Listed among the pathway's secular options, but openly spiritual; the patient "
                                "prefers no spiritual content"),
            (False, "wants"): _("Listed among the pathway's secular options, but openly spiritual, as the patient "
                                "wants"),
            (False, None): _("Listed among the pathway's secular options, but openly spiritual"),
        }
        option.add(points, texts[(bool(focus), wish)] % {"focus": focus} if focus else texts[(False, wish)])
    elif text:
        option.add(points, text)


def _program_medication(needs, program, option):
    if not needs.on_maud:
        return
    if program.medication_welcome == MedicationWelcome.WELCOMING:
        option.add(3, _("Known to welcome people who take medication for alcohol use disorder"))
    elif program.medication_welcome == MedicationWelcome.VARIES:
        option.add(-1, _("How groups treat medication varies: check before the first meeting"))
    else:
        option.add(-1, _("Not known how it treats medication: ask before the first meeting"))


#: From this share of patients who felt welcome, reports count for a group; below the lower one, against it.
REPORTS_WELCOMING, REPORTS_UNWELCOMING = 0.75, 0.5


def _from_reports(needs, rating, option, where):
    """The clinic's patients' reports of feeling welcome as someone taking medication, when there are enough of
    them (``rating.shown``): used before the published stance. Returns whether they were used."""
    if not needs.on_maud or rating is None or not rating.shown:
        return False
    values = {"welcomed": rating.welcomed, "reports": rating.reports}
    if where == "meeting":
        text = _("%(welcomed)s of %(reports)s of the clinic's patients felt welcome at this meeting as someone taking "
                 "medication (their reports, used before the published stance)") % values
    else:
        text = _("%(welcomed)s of %(reports)s of the clinic's patients felt welcome in this program as someone "
                 "taking medication (their reports, used before the published stance)") % values
    if rating.share >= REPORTS_WELCOMING:
        option.add(3, text)
    elif rating.share < REPORTS_UNWELCOMING:
        option.add(-2, text)
    else:
        option.add(0, text)
    return True


def _cultural_program(needs, program, option):
    if not program.cultural_focus:
        return
    label = CulturalFocus(program.cultural_focus).label
    if program.cultural_focus in needs.cultural_focuses:
        option.add(4, _("Grounded in %(label)s, as the patient wished") % {"label": label})
    else:
        option.add(0, _("Grounded in %(label)s: ask whether this fits the patient") % {"label": label})


# Programs ---------------------------------------------------------------------------------------

def _formats_known(program):
    return program.offers_in_person or program.offers_online or program.offers_app


def score_program(needs, program, fitting_meetings=0, rating=None):
    option = Option(program, travel_free=program.can_join_without_travel if _formats_known(program) else None)
    if program.audience == Audience.FAMILY_AND_FRIENDS:
        option.left_out = _("For the patient's family and friends, not the patient's own group")
        return option
    if program.audience == Audience.WOMEN and needs.gender_groups != GenderGroups.WOMEN:
        option.left_out = _("For women only, and the patient's preferences do not say women's groups fit")
        return option
    if program.audience == Audience.WOMEN:
        option.add(2, _("A women's program, which fits the patient"))
    if needs.online_only and option.travel_free is False:
        option.left_out = _("Does not meet online or by app, and the patient joins online only")
        return option
    _drinking(needs, program, option)
    _spiritual(needs, program, option)
    if not _from_reports(needs, rating, option, "program"):
        _program_medication(needs, program, option)
    _cultural_program(needs, program, option)
    _program_formats(needs, program, option)
    if fitting_meetings:
        option.add(1, ngettext("%(count)s fitting meeting in the clinic's list",
                               "%(count)s fitting meetings in the clinic's list", fitting_meetings)
                   % {"count": fitting_meetings})
    return option


def _program_formats(needs, program, option):
    if option.travel_free is None:
        if needs.must_avoid_travel:
            option.add(-1, _("Formats not known: check whether it meets online or by app before suggesting it"))
        else:
            option.add(-1, _("Formats not known yet"))
        return
    if needs.must_avoid_travel:
        if option.travel_free:
            option.add(4, _("Can be joined online or by app, so no travel is needed"))
        else:
            option.add(-4, _("Meets in person only, and the patient has no transportation"))
    elif not needs.in_person_ok and not option.travel_free:
        option.add(-3, _("Meets in person only; the patient prefers not to"))
    if program.offers_app and needs.app_ok:
        option.add(1, _("Has an app for support at any hour"))
    if not needs.online_ok and program.offers_online and not (program.offers_in_person or program.offers_app):
        option.add(-2, _("Meets online only; the patient prefers not to meet online"))


def gender_fit_concern(gender_groups, program, meeting=None):
    """Why a program or meeting chosen by hand may not fit the patient's gender preferences, or "".

    Women-only programs and meetings fit when the preferences say women's groups fit; men-only meetings when
    they say men's groups fit."""
    said = gender_groups in GenderGroups.values
    values = {"label": GenderGroups(gender_groups).label if said else ""}
    if program.audience == Audience.WOMEN and gender_groups != GenderGroups.WOMEN:
        values["name"] = program.name
        return (_("%(name)s is for women only, and the patient's preferences say “%(label)s”") if said
                else _("%(name)s is for women only, and the patient's preferences do not say")) % values
    if meeting is not None and meeting.is_women_only and gender_groups != GenderGroups.WOMEN:
        values["name"] = meeting.name
        return (_("%(name)s is a women-only meeting, and the patient's preferences say “%(label)s”") if said
                else _("%(name)s is a women-only meeting, and the patient's preferences do not say")) % values
    if meeting is not None and meeting.is_men_only and gender_groups != GenderGroups.MEN:
        values["name"] = meeting.name
        return (_("%(name)s is a men-only meeting, and the patient's preferences say “%(label)s”") if said
                else _("%(name)s is a men-only meeting, and the patient's preferences do not say")) % values
    return ""


def family_option(program):
    option = Option(program, travel_free=program.can_join_without_travel)
    option.add(0, _("For the people close to the patient, who are affected by the drinking"))
    option.add(0, _("Not a group for the patient: suggest it to family and friends"))
    return option


# Meetings ---------------------------------------------------------------------------------------

def meeting_left_out(needs, meeting, *, any_language=False):
    """Why a meeting is not offered at all, or "" when it may be offered (``any_language``: in the fallback when
    nothing is in the patient's language, another language does not leave a meeting out)."""
    program = meeting.program
    if program.audience == Audience.FAMILY_AND_FRIENDS:
        return _("For family and friends")
    if (meeting.is_women_only or program.audience == Audience.WOMEN) and needs.gender_groups != GenderGroups.WOMEN:
        return _("Women-only")
    if meeting.is_men_only and needs.gender_groups != GenderGroups.MEN:
        return _("Men-only")
    if needs.language not in meeting.language_list and not any_language:
        return _("Not in %(language)s") % {"language": needs.language}
    if meeting.is_temporarily_closed and not meeting.can_join_online:
        return _("Location temporarily closed")
    if meeting.is_not_meeting:
        return _("Not meeting for now (no place or online link in its feed)")
    if needs.online_only and not meeting.can_join_online:
        return _("In person only")
    if needs.on_maud and meeting.medication_welcome == MeetingMedicationWelcome.NOT_WELCOMING:
        return _("Reported as unwelcoming of medication")
    return ""


def score_meeting(needs, meeting, rating=None, *, any_language=False):
    option = Option(meeting, travel_free=meeting.can_join_online)
    option.left_out = meeting_left_out(needs, meeting, any_language=any_language)
    if option.left_out:
        return option
    program = meeting.program
    if meeting.is_women_only or program.audience == Audience.WOMEN:
        option.add(2, _("A women's meeting, which fits the patient"))
    if meeting.is_men_only:
        option.add(2, _("A men's meeting, which fits the patient"))
    if needs.language not in meeting.language_list:
        spoken = ", ".join(meeting.language_list) or _("another language")
        option.add(-2, _("Not in %(language)s, the patient's preferred language (held in %(spoken)s)")
                   % {"language": needs.language, "spoken": spoken})
    elif needs.language != "English":
        option.add(2, _("Held in %(language)s") % {"language": needs.language})
    _drinking(needs, program, option)
    _spiritual(needs, program, option)
    if _from_reports(needs, rating, option, "meeting"):
        pass
    elif needs.on_maud and meeting.medication_welcome == MeetingMedicationWelcome.WELCOMING:
        option.add(3, _("This meeting is known to welcome people who take medication"))
    else:
        _program_medication(needs, program, option)
    _cultural_program(needs, program, option)
    shared = meeting.cultural_focuses() & needs.cultural_focuses
    for focus in sorted(shared):
        option.add(3, _("A meeting for %(focus)s, as the patient wished") % {"focus": CulturalFocus(focus).label})
    _meeting_format(needs, meeting, option)
    _meeting_time(needs, meeting, option)
    if "BE" in meeting.type_code_list:
        option.add(0.5, _("Newcomer-friendly"))
    return option


def _meeting_format(needs, meeting, option):
    if needs.must_avoid_travel:
        if meeting.can_join_online:
            option.add(4, _("Online, so no travel is needed"))
        else:
            option.add(-4, _("In person, and the patient has no transportation: a ride or transit help is needed"))
        return
    if not needs.in_person_ok and not meeting.can_join_online:
        option.add(-3, _("In person; the patient prefers not to meet in person"))
    if not needs.online_ok and meeting.attendance == MeetingAttendance.ONLINE:
        option.add(-3, _("Online; the patient prefers not to meet online"))
    if needs.transportation == Transportation.TRANSIT and meeting.can_attend_in_person:
        option.add(0, _("Check the transit route to the address"))


def _meeting_time(needs, meeting, option):
    days = meeting.weekday_numbers_in(needs.time_zone)  # a late meeting two zones away may fall on the next day
    if needs.available_days and days:
        shared = [d for d in days if d in needs.available_days]
        if shared:
            option.add(1, _("On %(days)s, when the patient is free")
                       % {"days": ", ".join(str(WEEKDAY_NAMES[d]) for d in shared)})
        else:
            option.add(-3, _("Not on a day the patient is free"))
    if needs.available_times and meeting.start_time:
        slot = TimeOfDay.of(meeting.start_time_in(needs.time_zone))
        free = slot in needs.available_times
        option.add(1 if free else -3, SLOT_WORDS[(slot, free)])


#: "In the morning, when the patient is free": whole phrases, each slot's words its language's own.
SLOT_WORDS = {
    (TimeOfDay.MORNING, True): gettext_lazy("In the morning, when the patient is free"),
    (TimeOfDay.MORNING, False): gettext_lazy("In the morning, when the patient is not free"),
    (TimeOfDay.AFTERNOON, True): gettext_lazy("In the afternoon, when the patient is free"),
    (TimeOfDay.AFTERNOON, False): gettext_lazy("In the afternoon, when the patient is not free"),
    (TimeOfDay.EVENING, True): gettext_lazy("In the evening, when the patient is free"),
    (TimeOfDay.EVENING, False): gettext_lazy("In the evening, when the patient is not free"),
}


# Ranking ----------------------------------------------------------------------------------------

def _rank_key(needs):
    def key(option):
        # Only what is known to need travel goes last; unknown formats rank by their score (and concern).
        travel_last = needs.must_avoid_travel and option.travel_free is False
        return (travel_last, -option.score, str(option.item))
    return key


def rank_options(needs, programs, meetings, *, meetings_shown=MEETINGS_SHOWN, other_language_meetings=None,
                 ratings=None):
    """Rank ``programs`` and ``meetings`` (each meeting with its ``program`` loaded) for ``needs``. ``ratings``
    (``referrals.followup.ratings.Ratings``) are the clinic's patients' reports of feeling welcome.

    ``other_language_meetings`` (a callable returning the clinic's meetings in other languages) is used only when
    none of ``meetings`` can be offered: then the best of those are shown, each saying it is not in the patient's
    language, and ``online_in_language`` names the programs known to meet online in that language."""
    result = Options()
    scored_meetings = []
    fitting_by_program = Counter()
    for meeting in meetings:
        result.meetings_considered += 1
        option = score_meeting(needs, meeting, ratings.for_meeting(meeting.pk) if ratings else None)
        if option.left_out:
            result.left_out_meetings[option.left_out] += 1
            continue
        scored_meetings.append(option)
        if option.score >= 0:
            fitting_by_program[meeting.program_id] += 1
    if not scored_meetings and other_language_meetings is not None:
        for meeting in other_language_meetings():
            if needs.language in meeting.language_list:
                continue
            option = score_meeting(needs, meeting, ratings.for_meeting(meeting.pk) if ratings else None,
                                   any_language=True)
            if not option.left_out:
                scored_meetings.append(option)
        result.language_fallback = bool(scored_meetings) or needs.language != "English"
    for program in programs:
        if program.audience == Audience.FAMILY_AND_FRIENDS:
            result.family.append(family_option(program))
            continue
        option = score_program(needs, program, fitting_by_program[program.pk],
                               ratings.for_program(program.pk) if ratings else None)
        (result.left_out_programs if option.left_out else result.programs).append(option)
    if result.language_fallback:
        result.online_in_language = [o for o in result.programs if needs.language in (o.item.online_languages or [])]
    key = _rank_key(needs)
    result.programs.sort(key=key)
    scored_meetings.sort(key=key)
    result.meetings = scored_meetings[:meetings_shown]
    return result


def meetings_in_other_languages(clinic_id, needs):
    """The clinic's active meetings that are not in the patient's language (the fallback), in one query."""
    return (
        Meeting.objects.of_clinic(clinic_id).active()
        .exclude(program__audience=Audience.FAMILY_AND_FRIENDS)
        .exclude(languages__contains=f",{needs.language},")
        .select_related("program")
    )


def meetings_for_matching(clinic_id, needs):
    """The clinic's active meetings worth scoring, with their programs, in one query.

    Meetings that can never be offered (for family and friends, or not in the patient's language) are
    left out in the database so large lists stay quick; the rest is decided by ``score_meeting``.
    """
    return (
        Meeting.objects.of_clinic(clinic_id).active()
        .exclude(program__audience=Audience.FAMILY_AND_FRIENDS)
        .in_language(needs.language)
        .select_related("program")
    )
