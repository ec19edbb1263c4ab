"""The mutual-support directory (Stop 4): programs shared by all clinics or a clinic's own, with clinic notes;
meetings kept per clinic."""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from patients.models import Clinic

from .. import type_codes


class ProgramGroup(models.TextChoices):
    """The five kinds of mutual support the pathway lists, in its order."""

    TWELVE_STEP = "twelve_step", _("12-step")
    SECULAR = "secular", _("Secular")
    FAITH_BASED = "faith_based", _("Faith-based")
    PEER_RUN_CENTER = "peer_run_center", _("Peer-run recovery center")
    ONLINE_APP = "online_app", _("Online or app-based")


class DrinkingApproach(models.TextChoices):
    ABSTINENCE = "abstinence", _("Abstinence")
    REDUCED_ACCEPTED = "reduced_accepted", _("Reduced drinking or harm reduction accepted")
    VARIES = "varies", _("Varies by group")
    NOT_APPLICABLE = "not_applicable", _("Not applicable (not for the person who drinks)")
    UNKNOWN = "unknown", _("Not known")


class SpiritualContent(models.TextChoices):
    NONE = "none", _("None")
    SOME = "some", _("Some")
    CENTRAL = "central", _("Central")
    VARIES = "varies", _("Varies by group")
    UNKNOWN = "unknown", _("Not known")


class Audience(models.TextChoices):
    ANYONE = "anyone", _("Anyone who wants help with drinking")
    WOMEN = "women", _("Women")
    FAMILY_AND_FRIENDS = "family_and_friends", _("Family and friends of someone who drinks")
    CULTURAL_COMMUNITY = "cultural_community", _("A cultural community")


class CulturalFocus(models.TextChoices):
    """Cultural communities a program or meeting is grounded in; patients can ask for the same."""

    NATIVE = "native", _("Native American or Indigenous traditions")
    LGBTQ = "lgbtq", _("LGBTQ+ people")
    PEOPLE_OF_COLOR = "people_of_color", _("People of color")
    YOUNG_PEOPLE = "young_people", _("Young people")
    SENIORS = "seniors", _("Older adults")


# Meeting Guide type codes that show a meeting serves a cultural community.
CULTURAL_TYPE_CODES = {
    CulturalFocus.NATIVE: {"N", "NDG"},
    CulturalFocus.LGBTQ: {"LGBTQ", "G", "L", "BI", "T", "NB"},
    CulturalFocus.PEOPLE_OF_COLOR: {"POC"},
    CulturalFocus.YOUNG_PEOPLE: {"Y"},
    CulturalFocus.SENIORS: {"SEN"},
}


class MedicationWelcome(models.TextChoices):
    """How welcoming a program is of people taking medication (e.g. for alcohol use disorder)."""

    WELCOMING = "welcoming", _("Welcoming")
    VARIES = "varies", _("Varies by group")
    UNKNOWN = "unknown", _("Not known")


class MeetingMedicationWelcome(models.TextChoices):
    """What the clinic has learned about one meeting (not part of the Meeting Guide format)."""

    UNKNOWN = "unknown", _("Not known")
    WELCOMING = "welcoming", _("Welcoming")
    NOT_WELCOMING = "not_welcoming", _("Reported as unwelcoming")


class ProgramQuerySet(models.QuerySet):
    def shared(self):
        """Programs every clinic sees, maintained by site administrators (the data file or Django admin)."""
        return self.filter(clinic__isnull=True)

    def of_clinic(self, clinic_or_id):
        """A clinic's own programs only."""
        return self.filter(clinic_id=getattr(clinic_or_id, "pk", clinic_or_id))

    def for_clinic(self, clinic_or_id):
        """What one clinic's staff may see and use: the shared programs and the clinic's own, never another
        clinic's (another clinic's program is a 404, as another clinic's patient is)."""
        return self.filter(Q(clinic__isnull=True) | Q(clinic_id=getattr(clinic_or_id, "pk", clinic_or_id)))

    def visible_to(self, user):
        return self.for_clinic(user.clinic_id) if getattr(user, "clinic_id", None) else self.shared()


#: The facts of a program that carry sources in the data file (``sources`` and ``not_known`` use these keys).
SOURCED_FACTS = {
    "drinking_approach": "Approach to drinking",
    "spiritual_content": "Spiritual or religious content",
    "audience": "Who it is for",
    "medication_welcome": "Welcoming of medication",
    "formats": "How it meets",
    "online_languages": "Languages of its online meetings",
    "description": "Description",
    "listing_note": "Where the pathway lists it",
    "first_meeting": "What to expect at a first meeting",
    "website": "Website",
    "app": "App",
}

#: The program texts a patient reads, which the data file and ``Program.translations`` give in other languages.
TRANSLATED_FIELDS = ("description", "listing_note", "first_meeting")

#: Who published a source: the program itself, one of its local groups or affiliates, or someone else.
SOURCE_PUBLISHERS = {
    "program": "the program's own page",
    "affiliate": "a local group or affiliate of the program",
    "other": "another organisation's page",
}


class Program(models.Model):
    """A mutual-support program (e.g. SMART Recovery).

    Shared programs (no ``clinic``) are the pathway's programs, the same for every clinic and maintained by site
    administrators only: from ``directory/data/programs.json`` (``load_programs``) or in Django admin. A clinic
    admin adds the clinic's own programs (``clinic`` set), which only that clinic sees and which are matched and
    exported like shared ones, and keeps a ``ProgramNote`` next to a shared program.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, null=True, blank=True, related_name="own_programs",
                               help_text=_("Empty for the programs every clinic shares; set for a clinic's own "
                                           "program."))
    slug = models.SlugField(max_length=64, unique=True,
                            help_text=_("Stable key: the data file's for shared programs, made up for a clinic's own."))
    name = models.CharField(max_length=120)
    group = models.CharField("listed under", max_length=32, choices=ProgramGroup.choices)
    listing_note = models.TextField(
        "where the pathway lists it, and what it is", blank=True,
        help_text=_("Shown with the program wherever it is named, when where it is listed could mislead."))
    sort_order = models.PositiveSmallIntegerField(default=100)
    drinking_approach = models.CharField("approach to drinking", max_length=32, choices=DrinkingApproach.choices,
                                         default=DrinkingApproach.UNKNOWN)
    spiritual_content = models.CharField("spiritual or religious content", max_length=16,
                                         choices=SpiritualContent.choices, default=SpiritualContent.UNKNOWN)
    audience = models.CharField("who it is for", max_length=32, choices=Audience.choices, default=Audience.ANYONE)
    cultural_focus = models.CharField("grounded in", max_length=32, choices=CulturalFocus.choices, blank=True,
                                      help_text=_("The cultural community it is grounded in, if any."))
    medication_welcome = models.CharField("welcoming of medication", max_length=16,
                                          choices=MedicationWelcome.choices, default=MedicationWelcome.UNKNOWN)
    medication_note = models.TextField("about medication", blank=True)
    medication_source = models.CharField("source (medication)", max_length=300, blank=True,
                                         help_text=_("Where the entry about medication comes from."))
    offers_in_person = models.BooleanField("meets in person", default=False)
    offers_online = models.BooleanField("meets online", default=False)
    offers_app = models.BooleanField("has an app", default=False)
    online_languages = models.JSONField(
        "languages of its online meetings", default=list, blank=True,
        help_text=_("Languages the program is known to hold online meetings in (from its own material)."))
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    description_source = models.CharField("source (description)", max_length=300, blank=True)
    first_meeting = models.TextField(
        "what to expect at a first meeting", blank=True,
        help_text=_("One point a line, in plain words for the patient. Empty: the guide of its kind of group is "
                    "used."))
    # {"es": {"description": "...", "listing_note": "...", "first_meeting": "one point a line"}}: the patient-facing
    # text in other languages (the same facts, the same sources); a field without one is shown in English.
    translations = models.JSONField(
        default=dict, blank=True,
        help_text=_("Patient-facing text in other languages, by language code: description, listing_note, "
                    "first_meeting (one point a line). A field without one is shown in English."))
    # {"drinking_approach": [{"title", "url", "says", "publisher"}], ...} and {"formats": "why it is not known"}
    sources = models.JSONField(default=dict, blank=True, help_text=_("Where each fact comes from (keys: "
                                                                     "SOURCED_FACTS)."))
    not_known = models.JSONField(default=dict, blank=True, help_text=_("Facts we could not source, and why."))
    reviewed_on = models.DateField("last reviewed", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=Q(clinic__isnull=True),
                                    name="shared_program_name_unique"),
            models.UniqueConstraint(fields=["clinic", "name"], name="clinic_program_name_unique"),
            models.CheckConstraint(condition=Q(group__in=ProgramGroup.values), name="program_group_known"),
            models.CheckConstraint(condition=Q(drinking_approach__in=DrinkingApproach.values),
                                   name="program_drinking_approach_known"),
            models.CheckConstraint(condition=Q(spiritual_content__in=SpiritualContent.values),
                                   name="program_spiritual_content_known"),
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="program_audience_known"),
            models.CheckConstraint(condition=Q(medication_welcome__in=MedicationWelcome.values),
                                   name="program_medication_welcome_known"),
            models.CheckConstraint(condition=Q(cultural_focus="") | Q(cultural_focus__in=CulturalFocus.values),
                                   name="program_cultural_focus_known"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("referrals:program_detail", args=[self.slug])

    @property
    def is_shared(self):
        return self.clinic_id is None

    @property
    def is_for_family_and_friends(self):
        return self.audience == Audience.FAMILY_AND_FRIENDS

    @property
    def is_women_only(self):
        return self.audience == Audience.WOMEN

    @property
    def accepts_reduced_drinking(self):
        return self.drinking_approach == DrinkingApproach.REDUCED_ACCEPTED

    @property
    def can_join_without_travel(self):
        return self.offers_online or self.offers_app

    @property
    def formats_known(self):
        return self.offers_in_person or self.offers_online or self.offers_app

    @property
    def format_labels(self):
        labels = [label for flag, label in [
            (self.offers_in_person, "In person"), (self.offers_online, "Online"), (self.offers_app, "App"),
        ] if flag]
        return labels

    @property
    def listed_as_secular_but_spiritual(self):
        """The pathway lists it among secular options, yet it has spiritual content (Wellbriety)."""
        return self.group == ProgramGroup.SECULAR and self.spiritual_content in (
            SpiritualContent.SOME, SpiritualContent.CENTRAL)

    @property
    def first_meeting_lines(self):
        return [line.strip() for line in self.first_meeting.splitlines() if line.strip()]

    def text_in(self, field, language=None):
        """``field`` (one of TRANSLATED_FIELDS) in ``language`` (the active language by default), or in English
        when the program has no text in that language."""
        language = (language or get_language() or "en").split("-", 1)[0]
        translated = ((self.translations or {}).get(language) or {}).get(field)
        if translated and getattr(self, field):
            return translated
        return getattr(self, field)

    def first_meeting_lines_in(self, language=None):
        """The first-meeting guide in ``language`` (active by default), one point a line; English as a fallback."""
        return [line.strip() for line in self.text_in("first_meeting", language).splitlines() if line.strip()]

    @property
    def description_here(self):
        """The description in the active language (the patient's, on patient material)."""
        return self.text_in("description")

    @property
    def listing_note_here(self):
        return self.text_in("listing_note")

    @property
    def fact_sources(self):
        """[(fact label, [source, ...], note when not known)] in the order of SOURCED_FACTS, for pages."""
        rows = []
        for key, label in SOURCED_FACTS.items():
            found = [{**s, "publisher_label": SOURCE_PUBLISHERS.get(s.get("publisher"), "")}
                     for s in (self.sources or {}).get(key, [])]
            note = (self.not_known or {}).get(key, "")
            if found or note:
                rows.append((label, found, note))
        return rows

    def clean(self):
        if self.audience == Audience.CULTURAL_COMMUNITY and not self.cultural_focus:
            raise ValidationError({"cultural_focus": "Say which cultural community the program is grounded in."})


class ProgramNote(models.Model):
    """What one clinic keeps next to a shared program: a local contact and what the clinic has learned.

    Shown to that clinic's staff only, beside the shared facts it never changes."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="program_notes")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="clinic_notes")
    local_contact = models.CharField(
        "local contact", max_length=300, blank=True,
        help_text=_("Who to call or write to locally, e.g. “Intergroup office, (555) 010-2000”."))
    note = models.TextField(
        "what the clinic has learned", blank=True,
        help_text=_("For example how local meetings treat medication, and who told you when."))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "program"], name="one_program_note_per_clinic"),
            models.CheckConstraint(condition=~Q(local_contact="") | ~Q(note=""), name="program_note_not_empty"),
        ]

    def __str__(self):
        return f"{self.clinic}'s note on {self.program}"


def _wrap(values):
    """Store a list of short codes as ",A,B," so one code can be found with a plain `contains` lookup."""
    return f",{','.join(values)}," if values else ""


def _unwrap(text):
    return [v for v in (text or "").split(",") if v]


class MeetingAttendance(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")
    # Listed, but with no way to attend now: its location is temporarily closed (TC) and it has no online link, or
    # its feed says it meets online without giving a link. It comes back when its feed gives a place or a link.
    NOT_MEETING = "not_meeting", _("Not meeting for now")


WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


def weekday_name(number):
    """Day ``number`` (0 Sunday) in the active language: Django's own catalogue names the days ("lunes")."""
    return gettext(WEEKDAY_NAMES[number])


class TimeOfDay(models.TextChoices):
    MORNING = "morning", _("Morning (before noon)")
    AFTERNOON = "afternoon", _("Afternoon (noon to 5 pm)")
    EVENING = "evening", _("Evening (from 5 pm)")

    @classmethod
    def bounds(cls, value):
        return {
            cls.MORNING: (datetime.time(0, 0), datetime.time(12, 0)),
            cls.AFTERNOON: (datetime.time(12, 0), datetime.time(17, 0)),
            cls.EVENING: (datetime.time(17, 0), None),
        }[value]

    @classmethod
    def of(cls, time):
        if time is None:
            return None
        if time < datetime.time(12, 0):
            return cls.MORNING
        return cls.AFTERNOON if time < datetime.time(17, 0) else cls.EVENING


MINUTES_A_DAY = 24 * 60


def _zone(name):
    """The named time zone, or None when the name is empty or unknown."""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _clock(minutes):
    return datetime.time(minutes // 60, minutes % 60)


def _web_link(value, *, mail=False):
    """``value`` when it is a web address (or, with ``mail``, a mailto: link) safe to put in a link; else ""."""
    schemes = ("https://", "http://", "mailto:") if mail else ("https://", "http://")
    return value if value.lower().startswith(schemes) and " " not in value else ""


class MeetingQuerySet(models.QuerySet):
    def of_clinic(self, clinic_or_id):
        return self.filter(clinic_id=getattr(clinic_or_id, "pk", clinic_or_id))

    def active(self):
        return self.filter(is_active=True)

    def with_type(self, code):
        return self.filter(type_codes__contains=f",{code},")

    def without_type(self, code):
        return self.exclude(type_codes__contains=f",{code},")

    def in_language(self, language):
        return self.filter(languages__contains=f",{language},")

    def starting_locally(self, zone_name, *, day=None, time_of_day=None):
        """Meetings that start on weekday ``day`` and/or in ``time_of_day`` on the clock of ``zone_name``.

        A meeting keeps its day and time in its own time zone; seen from another zone it can start at another
        hour and even on the next or previous day (Monday 11:30 PM in Los Angeles is Tuesday in Chicago). For
        each zone the meetings are in (one query), this week's difference between the clocks turns the local
        window into a window of the meeting's own clock, on the same day or the day before or after.
        """
        if day is None and not time_of_day:
            return self
        start, end = TimeOfDay.bounds(time_of_day) if time_of_day else (datetime.time(0), None)
        low, high = start.hour * 60 + start.minute, (end.hour * 60 + end.minute) if end else MINUTES_A_DAY
        viewer, now = _zone(zone_name), datetime.datetime.now(datetime.UTC)
        matches = Q(pk__in=[])
        for zone in self.order_by().values_list("time_zone", flat=True).distinct():
            there = _zone(zone)
            ahead = 0 if viewer is None or there is None else int(
                (now.astimezone(viewer).utcoffset() - now.astimezone(there).utcoffset()).total_seconds() // 60)
            for days_moved in (-1, 0, 1):
                # Local minute m = own minute + ahead; it falls ``days_moved`` days later when m passes midnight.
                own_low = max(0, low - ahead + MINUTES_A_DAY * days_moved)
                own_high = min(MINUTES_A_DAY, high - ahead + MINUTES_A_DAY * days_moved)
                if own_low >= own_high:
                    continue
                window = Q(time_zone=zone, start_time__gte=_clock(own_low))
                if own_high < MINUTES_A_DAY:
                    window &= Q(start_time__lt=_clock(own_high))
                if day is not None:
                    window &= Q(days__contains=str((int(day) - days_moved) % 7))
                matches |= window
        return self.filter(matches)

    def welcoming_of_medication(self):
        """Meetings known to welcome medication, or of a welcoming program when nothing is known locally."""
        return self.filter(
            Q(medication_welcome=MeetingMedicationWelcome.WELCOMING)
            | Q(medication_welcome=MeetingMedicationWelcome.UNKNOWN,
                program__medication_welcome=MedicationWelcome.WELCOMING)
        )


class Meeting(models.Model):
    """One weekly meeting in a clinic's own list, usually imported from a Meeting Guide feed."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="meetings")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="meetings")
    # The Meeting Guide specification allows names of 255 characters and asks for slugs of at most 64 but does not
    # require it; real feeds use longer ones (e.g. WordPress post slugs, up to 200).
    slug = models.CharField(max_length=255, help_text=_("The meeting's id in its feed."))
    name = models.CharField(max_length=255)
    # Weekdays as digits, 0 = Sunday (e.g. "135" is Monday, Wednesday, Friday); empty = by appointment.
    days = models.CharField(max_length=7, blank=True)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64)
    location_name = models.CharField("venue", max_length=255, blank=True)
    formatted_address = models.CharField("address", max_length=500, blank=True)
    address_approximate = models.BooleanField(
        "address is only approximate", default=False,
        help_text=_("The address is a town or area (where an online group is based), not a place to meet."))
    location_notes = models.TextField(blank=True)
    region = models.CharField(max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    conference_url = models.URLField("online link", max_length=2000, blank=True)
    conference_url_notes = models.TextField(blank=True)
    conference_phone = models.CharField("dial-in phone", max_length=120, blank=True)
    conference_phone_notes = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    group_name = models.CharField("group", max_length=255, blank=True)
    website = models.URLField(max_length=2000, blank=True)
    type_codes = models.CharField(max_length=400, blank=True, help_text=_("Meeting Guide codes, stored as ,O,W,"))
    languages = models.CharField(max_length=300, default=",English,", help_text=_("Stored as ,English,Spanish,"))
    attendance = models.CharField(max_length=16, choices=MeetingAttendance.choices)
    # Meeting Guide fields with no column of their own (regions, group notes, contacts, service entity, feedback
    # and edit links, 7th Tradition handles), exactly as the feed gave them, so the export gives them back.
    feed_extras = models.JSONField("other feed fields", default=dict, blank=True)
    # The clinic's own knowledge (never imported, never overwritten by an import).
    medication_welcome = models.CharField("welcoming of medication", max_length=16,
                                          choices=MeetingMedicationWelcome.choices,
                                          default=MeetingMedicationWelcome.UNKNOWN)
    medication_note = models.CharField("about medication", max_length=300, blank=True)
    #: Marked for staff review when a patient reported feeling judged there for taking medication (no patient
    #: named); cleared by staff once reviewed.
    review_requested_on = models.DateField("marked for review on", null=True, blank=True)
    review_reason = models.CharField("why it is marked for review", max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    # Where it came from: a feed, or added by hand by the clinic (then imports never touch it).
    added_by_hand = models.BooleanField(default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    source = models.CharField("feed", max_length=200, blank=True)
    source_updated = models.DateTimeField("last updated in the feed", null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    # Fields an import writes; everything else is the clinic's own.
    FEED_FIELDS = [
        "name", "days", "start_time", "end_time", "time_zone", "location_name", "formatted_address",
        "location_notes", "region", "latitude", "longitude", "conference_url", "conference_url_notes",
        "conference_phone", "conference_phone_notes", "notes", "group_name", "website", "type_codes",
        "languages", "attendance", "source_updated", "address_approximate", "feed_extras",
    ]

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "program", "slug"], name="unique_meeting_slug_per_program"),
            models.CheckConstraint(condition=Q(attendance__in=MeetingAttendance.values),
                                   name="meeting_attendance_known"),
            models.CheckConstraint(condition=Q(medication_welcome__in=MeetingMedicationWelcome.values),
                                   name="meeting_medication_welcome_known"),
            models.CheckConstraint(condition=~Q(slug=""), name="meeting_slug_not_empty"),
            models.CheckConstraint(
                condition=~Q(attendance__in=["online", "hybrid"]) | ~Q(conference_url="") | ~Q(conference_phone=""),
                name="online_meeting_has_link_or_phone",
            ),
            models.CheckConstraint(condition=Q(days="") | Q(start_time__isnull=False),
                                   name="meeting_with_day_has_time"),
            # In person needs a place to meet: an address that is not only approximate.
            models.CheckConstraint(
                condition=~Q(attendance__in=["in_person", "hybrid"])
                | (~Q(formatted_address="") & Q(address_approximate=False)),
                name="in_person_meeting_has_a_place",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "is_active", "start_time"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("referrals:meeting_detail", args=[self.pk])

    # Lists stored as text ----------------------------------------------------------------------
    @property
    def type_code_list(self):
        return _unwrap(self.type_codes)

    @property
    def language_list(self):
        return _unwrap(self.languages)

    @property
    def weekday_numbers(self):
        return [int(d) for d in self.days]

    @staticmethod
    def wrap(values):
        return _wrap(values)

    # Words for people ---------------------------------------------------------------------------
    @property
    def weekday_names(self):
        """The days it meets, in the active language (the patient's on patient material)."""
        return [weekday_name(d) for d in self.weekday_numbers]

    @property
    def language_words(self):
        """The languages it is held in, named in the active language ("Español" on Spanish material)."""
        return [type_codes.language_label(name) for name in self.language_list]

    @property
    def weekday_short(self):
        if not self.days:
            return "By appointment"
        if self.days == "12345":
            return "Weekdays"
        if self.days == "0123456":
            return "Every day"
        return ", ".join(WEEKDAY_NAMES[d][:3] for d in self.weekday_numbers)

    @property
    def attribute_labels(self):
        """Type codes in words, language codes left out (languages are shown on their own)."""
        return [type_codes.label_for(c) for c in self.type_code_list if c not in type_codes.LANGUAGE_CODES]

    @cached_property
    def effective_end_time(self):
        """The end time, or one hour after the start when the feed gives none (the format's convention)."""
        if self.end_time or self.start_time is None:
            return self.end_time
        start = datetime.datetime.combine(datetime.date(2000, 1, 1), self.start_time)
        return (start + datetime.timedelta(hours=1)).time()

    @property
    def zone(self):
        """The meeting's time zone as a ``ZoneInfo`` (None for a name the system does not know)."""
        return _zone(self.time_zone)

    @property
    def time_zone_abbreviation(self):
        zone = _zone(self.time_zone)
        return datetime.datetime.now(zone).tzname() if zone else self.time_zone

    def _start_in(self, zone_name):
        """(start time, days moved) on the clock of ``zone_name`` this week; days moved is -1, 0 or 1 when the
        meeting starts on another calendar day there (a late evening meeting two zones west)."""
        here, there = _zone(zone_name), _zone(self.time_zone)
        if self.start_time is None or here is None or there is None or zone_name == self.time_zone:
            return self.start_time, 0
        today = datetime.date.today()
        local = datetime.datetime.combine(today, self.start_time, tzinfo=there).astimezone(here)
        return local.time(), (local.date() - today).days

    def start_time_in(self, zone_name):
        """The start time as a clock in ``zone_name`` shows it this week (same clock when zones agree)."""
        return self._start_in(zone_name)[0]

    def day_shift_in(self, zone_name):
        """How many calendar days the start moves in ``zone_name``: -1, 0 or 1."""
        return self._start_in(zone_name)[1]

    def weekday_numbers_in(self, zone_name):
        """The meeting's weekdays as seen from ``zone_name`` (0 = Sunday)."""
        shift = self.day_shift_in(zone_name)
        return sorted({(d + shift) % 7 for d in self.weekday_numbers})

    @property
    def time_of_day(self):
        return TimeOfDay.of(self.start_time)

    @property
    def is_women_only(self):
        return type_codes.WOMEN in self.type_code_list

    @property
    def is_men_only(self):
        return type_codes.MEN in self.type_code_list

    @property
    def who_may_attend(self):
        """Who may come to the meeting, in words, from its open or closed code ("" when the feed does not say)."""
        codes = self.type_code_list
        if type_codes.CLOSED in codes:
            if self.program.audience == Audience.FAMILY_AND_FRIENDS:
                return gettext("Closed meeting: for family members and friends affected by someone's drinking only.")
            return gettext("Closed meeting: only for people who want to stop drinking or get help with their own "
                           "drinking. Family or friends coming along should choose an open meeting.")
        if type_codes.OPEN in codes:
            return gettext("Open meeting: anyone may attend, including family or friends who come along.")
        return ""

    @property
    def is_temporarily_closed(self):
        return type_codes.TEMPORARILY_CLOSED in self.type_code_list

    @property
    def can_join_online(self):
        return self.attendance in (MeetingAttendance.ONLINE, MeetingAttendance.HYBRID)

    @property
    def is_not_meeting(self):
        return self.attendance == MeetingAttendance.NOT_MEETING

    @property
    def not_meeting_reason(self):
        """Why a listed meeting has no way to attend now, in words ("" when it has one)."""
        if not self.is_not_meeting:
            return ""
        if self.is_temporarily_closed:
            return "Its location is temporarily closed and its feed gives no online link or phone number."
        return "Its feed gives neither a place to meet nor an online link or phone number."

    # What the feed says beyond the meeting itself (kept in ``feed_extras``; spec, Contact Fields, Service Entity
    # Fields, Optional Fields) --------------------------------------------------------------------------------
    def _extra(self, key):
        value = (self.feed_extras or {}).get(key)
        return "" if value is None or isinstance(value, list) else str(value).strip()

    @property
    def contacts(self):
        """The meeting's contact people: [{"name", "email", "phone"}]."""
        people = [{part: self._extra(f"contact_{n}_{part}") for part in ("name", "email", "phone")} for n in (1, 2, 3)]
        return [person for person in people if any(person.values())]

    @property
    def service_entity(self):
        """Who publishes the listing (an intergroup or district): {"name", "location", "email", "phone",
        "website"}, or None."""
        entity = {"name": self._extra("entity"), "location": self._extra("entity_location"),
                  "email": self._extra("entity_email"), "phone": self._extra("entity_phone"),
                  "website": _web_link(self._extra("entity_website_url") or self._extra("entity_url"))}
        return entity if any(entity.values()) else None

    @property
    def group_notes(self):
        return self._extra("group_notes")

    @property
    def feedback_link(self):
        """Where to report a change to the listing: the feed's feedback URL (web or mailto), or its first feedback
        e-mail address as a mailto link."""
        link = _web_link(self._extra("feedback_url"), mail=True)
        emails = (self.feed_extras or {}).get("feedback_emails")
        if not link and isinstance(emails, list) and emails and isinstance(emails[0], str) and "@" in emails[0]:
            link = f"mailto:{emails[0].strip()}"
        return link

    @property
    def edit_link(self):
        return _web_link(self._extra("edit_url"))

    @property
    def can_attend_in_person(self):
        return self.attendance in (MeetingAttendance.IN_PERSON, MeetingAttendance.HYBRID) and \
            not self.is_temporarily_closed

    def cultural_focuses(self):
        codes = set(self.type_code_list)
        return {focus for focus, focus_codes in CULTURAL_TYPE_CODES.items() if codes & focus_codes}


class MeetingImport(models.Model):
    """One import of a Meeting Guide feed into a clinic's list for one program: what it changed."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="meeting_imports")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="imports")
    source = models.CharField("feed", max_length=200)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    deactivated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # [{"index": 3, "slug": "tuesday-night", "reason": "..."}]; index is the entry's position in the feed.
    errors = models.JSONField(default=list, blank=True)
    # Fields of the file that are not Meeting Guide fields, so were not kept: {"district": 120, ...} (meetings).
    fields_not_kept = models.JSONField(default=dict, blank=True)
    # What the importer confirmed before the import was applied (e.g. marking most of a feed inactive), in words.
    confirmed = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return f"{self.program} feed “{self.source}” for {self.clinic}"


class PendingMeetingImport(models.Model):
    """An uploaded feed held until a clinic admin confirms it: importing it would mark many of a feed's meetings
    inactive, or it looks like another program's feed. Deleted once imported or cancelled (and after a day)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="pending_meeting_imports")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    source = models.CharField("feed", max_length=200)
    file_name = models.CharField(max_length=200, blank=True)
    entries = models.JSONField(default=list, help_text=_("The file's entries as read, unchanged."))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    KEPT_FOR = datetime.timedelta(days=1)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.program} feed “{self.source}” for {self.clinic}, awaiting confirmation"
