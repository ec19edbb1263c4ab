"""Forms for Stop 4: programs, meetings (by hand, filters, Meeting Guide import) and matching preferences."""

import uuid

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from patients.date_windows import REVIEWED, DateWindowsMixin

from . import type_codes
from .feed_entries import EntryInvalid, clean_entry, known_time_zones
from .meeting_guide import Confirmation, FeedError, read_feed, share_of_active
from .models import (
    WEEKDAY_NAMES,
    CulturalFocus,
    MatchingPreferences,
    Meeting,
    MeetingAttendance,
    MeetingMedicationWelcome,
    Program,
    ProgramGroup,
    ProgramNote,
    TimeOfDay,
)

MAX_FEED_BYTES = 20 * 1024 * 1024


class ProgramForm(DateWindowsMixin, forms.ModelForm):
    """A clinic's own program (a local cultural group, a local recovery community organization, Moderation
    Management...): only the clinic sees it; it is matched and exported like a shared program."""

    website = forms.URLField(required=False, max_length=200, assume_scheme="https")
    date_windows = {"reviewed_on": ("The date last reviewed", REVIEWED)}

    class Meta:
        model = Program
        fields = [
            "name", "group", "description", "description_source", "website", "drinking_approach",
            "spiritual_content", "audience", "cultural_focus", "medication_welcome", "medication_note",
            "medication_source", "offers_in_person", "offers_online", "offers_app", "first_meeting", "reviewed_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "medication_note": forms.Textarea(attrs={"rows": 3}),
            "first_meeting": forms.Textarea(attrs={"rows": 4}),
            "reviewed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"description_source": gettext_lazy("Where the description comes from, e.g. the group's own "
                                                         "website.")}

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.instance.clinic = clinic
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(gettext_lazy("About"), Row(Column("name"), Column("group")), "description", "description_source",
                     "website"),
            Fieldset(gettext_lazy("Facts that matter for matching"),
                     Row(Column("drinking_approach"), Column("spiritual_content")),
                     Row(Column("audience"), Column("cultural_focus"))),
            Fieldset(gettext_lazy("Medication"), "medication_welcome", "medication_note", "medication_source"),
            Fieldset(gettext_lazy("Formats"),
                     Row(Column("offers_in_person"), Column("offers_online"), Column("offers_app"))),
            Fieldset(gettext_lazy("For the patient's handout"), "first_meeting"),
            "reviewed_on",
            Submit("save", gettext_lazy("Save program")),
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Program.objects.shared().filter(name__iexact=name).exists():
            raise forms.ValidationError(gettext("The shared directory already has “%(name)s”: add a clinic note to it "
                                                "instead of a program of your own.") % {"name": name})
        mine = Program.objects.of_clinic(self.clinic).filter(name__iexact=name).exclude(pk=self.instance.pk)
        if mine.exists():
            raise forms.ValidationError(gettext("Your clinic already has a program called “%(name)s”.")
                                        % {"name": name})
        return name

    def clean(self):
        data = super().clean()
        if data.get("medication_welcome") == "welcoming" and not data.get("medication_source"):
            self.add_error("medication_source", gettext("Say where this comes from before marking the program "
                                                        "welcoming."))
        if data.get("description") and not data.get("description_source"):
            self.add_error("description_source", gettext("Say where the description comes from."))
        return data


class ProgramNoteForm(forms.ModelForm):
    """What a clinic keeps next to a shared program: a local contact and what it has learned."""

    class Meta:
        model = ProgramNote
        fields = ["local_contact", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("local_contact", "note", Submit("save", gettext_lazy("Save the clinic's note")))

    def clean(self):
        data = super().clean()
        if not (data.get("local_contact") or "").strip() and not (data.get("note") or "").strip():
            raise forms.ValidationError(gettext("Write a local contact or a note (or both)."))
        return data


class MeetingImportForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.all(), empty_label=gettext_lazy("Choose a program"))
    feed = forms.FileField(label=gettext_lazy("Meeting Guide JSON file"),
                           help_text=gettext_lazy("A .json file: an array of meetings."))
    source = forms.CharField(
        label=gettext_lazy("Name of the feed"), max_length=200, required=False,
        help_text=gettext_lazy(
            "As staff will see it, e.g. “Springfield Intergroup”. A program can have several feeds (say, a "
            "local intergroup's and an online one); each import updates the feed of its name and marks "
            "inactive only that feed's missing meetings. Leave empty to update the program's only feed, or "
            "to name a first feed after the file."))

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.for_clinic(clinic)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("program", "feed", "source", Submit("import", gettext_lazy("Import meetings")))

    def clean_feed(self):
        upload = self.cleaned_data["feed"]
        if upload.size > MAX_FEED_BYTES:
            raise forms.ValidationError(gettext("The file is larger than 20 MB."))
        try:
            self.entries = read_feed(upload.read())
        except FeedError as exc:
            raise forms.ValidationError(gettext("%(exc)s Nothing was imported.") % {"exc": exc}) from None
        return upload


class ImportConfirmForm(forms.Form):
    """The importer's confirmations of a held upload (see ``meeting_guide``'s concerns). Given the ``plan``, the
    boxes it needs are required and say what they confirm, with the numbers; ``expected_deactivated`` is the
    number of meetings the importer saw would be marked inactive."""

    mass_deactivation = forms.BooleanField(required=False)
    program = forms.BooleanField(required=False)
    expected_deactivated = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown = []
        if plan is not None:
            self.initial.setdefault("expected_deactivated", plan.summary.deactivated)
            needed = plan.confirmations_needed
            labels = {
                Confirmation.MASS_DEACTIVATION:
                    gettext("Yes, mark %(share)s of “%(source)s” inactive") % {
                        "share": share_of_active(plan.summary.deactivated, plan.active_before),
                        "source": plan.source} if plan.summary.deactivated
                    else gettext("Yes, import this file anyway (no meeting will be marked inactive)"),
                Confirmation.PROGRAM: gettext("Yes, this file is the %(program)s feed “%(source)s”") % {
                    "program": plan.program.name, "source": plan.source},
            }
            for name in needed:
                self.fields[name].required = True
                self.fields[name].label = labels[name]
                self.fields[name].error_messages["required"] = gettext("Tick this box to confirm, or cancel the "
                                                                       "import.")
            self.shown = [self[name] for name in needed]

    @property
    def confirmations(self):
        return {name for name in (Confirmation.MASS_DEACTIVATION, Confirmation.PROGRAM) if self.cleaned_data.get(name)}


class MeetingMedicationForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["medication_welcome", "medication_note"]
        help_texts = {"medication_note": gettext_lazy("What you learned and from whom, e.g. “Asked the secretary, "
                                                      "2026-03”.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("medication_welcome", "medication_note", Submit("save", gettext_lazy("Save")))


ATTENDANCE_FILTERS = [
    ("in_person", gettext_lazy("In person (incl. hybrid)")),
    ("online", gettext_lazy("Online (incl. hybrid)")),
    ("hybrid", gettext_lazy("Hybrid only")),
]
MEDICATION_FILTERS = [
    ("welcoming", gettext_lazy("Known to be welcoming")),
    ("not_unwelcoming", gettext_lazy("Not reported as unwelcoming")),
]


class MeetingFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name, place or group"), required=False, max_length=100)
    group = forms.ChoiceField(label=gettext_lazy("Kind of group"), required=False,
                              choices=[("", gettext_lazy("Any"))] + list(ProgramGroup.choices))
    program = forms.ModelChoiceField(queryset=Program.objects.all(), required=False, empty_label=gettext_lazy("Any"),
                                     to_field_name="slug")
    attendance = forms.ChoiceField(label=gettext_lazy("Format"), required=False,
                                   choices=[("", gettext_lazy("Any"))] + ATTENDANCE_FILTERS)
    day = forms.TypedChoiceField(label=gettext_lazy("Day"), required=False, coerce=int, empty_value=None,
                                 choices=[("", gettext_lazy("Any"))] + list(enumerate(WEEKDAY_NAMES)))
    time_of_day = forms.ChoiceField(label=gettext_lazy("Time of day"), required=False,
                                    choices=[("", gettext_lazy("Any"))] + list(TimeOfDay.choices))
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    attributes = forms.MultipleChoiceField(label=gettext_lazy("Attributes (all must apply)"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    medication = forms.ChoiceField(label=gettext_lazy("Welcoming of medication"), required=False,
                                   choices=[("", gettext_lazy("Any"))] + MEDICATION_FILTERS)
    include_inactive = forms.BooleanField(label=gettext_lazy("Include inactive meetings"), required=False)

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.for_clinic(clinic)
        self.fields["language"].choices = [("", "Any")] + [(name, name) for name in type_codes.language_choices()]
        self.fields["attributes"].choices = type_codes.attribute_choices()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("q", css_class="col-md-6"), Column("group", css_class="col-md-3"),
                Column("program", css_class="col-md-3")),
            Row(Column("attendance", css_class="col-6 col-md-3"), Column("day", css_class="col-6 col-md-3"),
                Column("time_of_day", css_class="col-6 col-md-3"), Column("language", css_class="col-6 col-md-3")),
            Row(Column("medication", css_class="col-md-4"),
                Column(Field("include_inactive"), css_class="col-md-4 pt-md-4")),
            InlineCheckboxes("attributes"),
        )

    def filter(self, meetings):
        """Apply every filter given; filters combine (all must hold)."""
        data = self.cleaned_data
        if not data.get("include_inactive"):
            meetings = meetings.active()
        if data.get("q"):
            for word in data["q"].split():
                meetings = meetings.filter(
                    Q(name__icontains=word) | Q(location_name__icontains=word)
                    | Q(formatted_address__icontains=word) | Q(region__icontains=word)
                    | Q(group_name__icontains=word)
                )
        if data.get("group"):
            meetings = meetings.filter(program__group=data["group"])
        if data.get("program"):
            meetings = meetings.filter(program=data["program"])
        attendance = data.get("attendance")
        if attendance == "in_person":
            meetings = meetings.filter(attendance__in=[MeetingAttendance.IN_PERSON, MeetingAttendance.HYBRID])
        elif attendance == "online":
            meetings = meetings.filter(attendance__in=[MeetingAttendance.ONLINE, MeetingAttendance.HYBRID])
        elif attendance == "hybrid":
            meetings = meetings.filter(attendance=MeetingAttendance.HYBRID)
        # Day and time of day are the clinic's (the active time zone), whatever zone a meeting keeps.
        meetings = meetings.starting_locally(timezone.get_current_timezone_name(), day=data.get("day"),
                                             time_of_day=data.get("time_of_day") or None)
        if data.get("language"):
            meetings = meetings.in_language(data["language"])
        for code in data.get("attributes") or []:
            meetings = meetings.with_type(code)
        if data.get("medication") == "welcoming":
            meetings = meetings.welcoming_of_medication()
        elif data.get("medication") == "not_unwelcoming":
            meetings = meetings.exclude(medication_welcome=MeetingMedicationWelcome.NOT_WELCOMING)
        return meetings


class MeetingForm(forms.Form):
    """A meeting the clinic adds (or later edits) by hand: one no feed lists, such as a group at a local church.

    The answers become a Meeting Guide entry and pass the same checks as an imported one, so a meeting added
    by hand is stored, filtered, matched and exported exactly like a feed's.
    """

    program = forms.ModelChoiceField(queryset=Program.objects.all(), empty_label=gettext_lazy("Choose a program"))
    name = forms.CharField(max_length=200)
    days = forms.TypedMultipleChoiceField(label=gettext_lazy("Days"), required=False, coerce=int,
                                          choices=list(enumerate(WEEKDAY_NAMES)),
                                          widget=forms.CheckboxSelectMultiple,
                                          help_text=gettext_lazy("Leave all empty for a meeting by appointment."))
    start_time = forms.TimeField(label=gettext_lazy("Starts"), required=False,
                                 widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label=gettext_lazy("Ends"), required=False,
                               widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                               help_text=gettext_lazy("Leave empty if it runs past midnight or has no set end."))
    time_zone = forms.ChoiceField()
    location_name = forms.CharField(label=gettext_lazy("Venue"), max_length=200, required=False,
                                    help_text=gettext_lazy("e.g. “St. Mark's Church, lower hall”."))
    formatted_address = forms.CharField(label=gettext_lazy("Address"), max_length=500, required=False,
                                        help_text=gettext_lazy("Street, city, state and ZIP, for an in-person "
                                                               "meeting."))
    location_notes = forms.CharField(label=gettext_lazy("How to find it"), required=False, max_length=1000,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    conference_url = forms.URLField(label=gettext_lazy("Online link"), max_length=2000, required=False,
                                    assume_scheme="https")
    conference_phone = forms.CharField(label=gettext_lazy("Dial-in phone"), max_length=120, required=False)
    online_area = forms.CharField(
        label=gettext_lazy("Town or area of an online meeting"), max_length=300, required=False,
        help_text=gettext_lazy("For a meeting held only online: where the group is based, e.g. “Springfield, IL, "
                               "USA”. The Meeting Guide app lists online meetings only with one."))
    language = forms.ChoiceField(initial=type_codes.DEFAULT_LANGUAGE)
    attributes = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=gettext_lazy("Still meets"), required=False, initial=True,
                                   help_text=gettext_lazy("Untick when the group stops meeting; it stays on referrals "
                                                          "made to it."))

    def __init__(self, *args, clinic, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic, self.meeting = clinic, meeting
        self.fields["program"].queryset = Program.objects.for_clinic(clinic)
        self.fields["time_zone"].choices = [(z, z) for z in sorted(known_time_zones())]
        self.fields["language"].choices = [(name, name) for name in type_codes.language_choices()]
        self.fields["attributes"].choices = [(c, label) for c, label in type_codes.attribute_choices()
                                             if c not in type_codes.LANGUAGE_CODES]
        self.kept_codes = []
        if meeting is None:
            self.initial.setdefault("time_zone", clinic.time_zone)
            self.initial.setdefault("online_area", ", ".join(p for p in [clinic.city, clinic.state] if p))
            del self.fields["is_active"]
        else:
            attribute_codes = {c for c, _ in self.fields["attributes"].choices}
            codes = meeting.type_code_list
            # Codes this form does not show (e.g. from an older feed) are kept as they are.
            self.kept_codes = [c for c in codes if c not in attribute_codes and c not in type_codes.LANGUAGE_CODES]
            self.initial.update({
                "program": meeting.program_id, "days": meeting.weekday_numbers,
                "language": (meeting.language_list or [type_codes.DEFAULT_LANGUAGE])[0],
                "attributes": [c for c in codes if c in attribute_codes],
                **{name: getattr(meeting, name) for name in (
                    "name", "start_time", "end_time", "time_zone", "location_name", "formatted_address",
                    "location_notes", "conference_url", "conference_phone", "notes", "is_active")},
            })
            if meeting.address_approximate:
                self.initial.update(online_area=meeting.formatted_address, formatted_address="")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(gettext_lazy("The meeting"),
                     Row(Column("program", css_class="col-md-5"), Column("name", css_class="col-md-7"))),
            Fieldset(gettext_lazy("When"), InlineCheckboxes("days"),
                     Row(Column("start_time", css_class="col-6 col-md-3"),
                         Column("end_time", css_class="col-6 col-md-3"), Column("time_zone", css_class="col-md-6"))),
            Fieldset(gettext_lazy("Where: an address, an online link or phone, or both"),
                     Row(Column("location_name"), Column("formatted_address")), "location_notes",
                     Row(Column("conference_url", css_class="col-md-8"),
                         Column("conference_phone", css_class="col-md-4")), "online_area"),
            Fieldset(gettext_lazy("Who and what"), "language", InlineCheckboxes("attributes"), "notes",
                     *(["is_active"] if "is_active" in self.fields else [])),
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = data.get("start_time"), data.get("end_time")
        if data.get("days") and start is None:
            self.add_error("start_time", gettext("Give the start time of a meeting held on set days."))
        if end is not None and start is None:
            self.add_error("start_time", gettext("Give the start time too, or leave the end time empty."))
        elif start is not None and end is not None and end <= start:
            self.add_error("end_time", gettext("The meeting ends before it starts. If it runs past midnight, "
                                       "leave the end time empty."))
        online = data.get("conference_url") or data.get("conference_phone")
        if not (data.get("formatted_address") or online):
            self.add_error("formatted_address", gettext("Give an address, or an online link or dial-in phone number."))
        if self.errors:
            return data
        # The town or area counts only for a meeting held only online (a street address makes it in person).
        area = data.get("online_area", "") if online and not data.get("formatted_address") else ""
        language_code = type_codes.code_for_language(data["language"])
        codes = [*data.get("attributes", []), *self.kept_codes]
        if language_code and data["language"] != type_codes.DEFAULT_LANGUAGE:
            codes.append(language_code)
        entry = {
            "name": data["name"], "day": sorted(data.get("days") or []),
            "time": start.strftime("%H:%M") if start else "", "end_time": end.strftime("%H:%M") if end else "",
            "timezone": data["time_zone"], "location": data.get("location_name", ""),
            "formatted_address": data.get("formatted_address") or area, "approximate": "yes" if area else "no",
            "location_notes": data.get("location_notes", ""),
            "conference_url": data.get("conference_url", ""), "conference_phone": data.get("conference_phone", ""),
            "notes": data.get("notes", ""), "types": codes,
        }
        try:
            self.meeting_values = clean_entry(entry, default_time_zone=self.clinic.time_zone)
        except EntryInvalid as exc:
            raise forms.ValidationError(str(exc)) from None
        return data

    def save(self, by):
        """Store the meeting: a new one gets a slug of its own and is marked as added by hand, by ``by``."""
        meeting = self.meeting or Meeting(clinic=self.clinic, slug=f"clinic-{uuid.uuid4().hex[:12]}",
                                          added_by_hand=True, added_by=by)
        for name, value in self.meeting_values.items():
            setattr(meeting, name, value)
        meeting.program = self.cleaned_data["program"]
        meeting.is_active = self.cleaned_data.get("is_active", True)
        meeting.save()
        return meeting


# Matching preferences -----------------------------------------------------------------------------
class MatchingPreferencesForm(forms.ModelForm):
    language = forms.ChoiceField(label=gettext_lazy("Meeting language"))
    cultural_focuses = forms.MultipleChoiceField(
        label=gettext_lazy("Cultural preferences"), required=False, choices=CulturalFocus.choices,
        widget=forms.CheckboxSelectMultiple, help_text=gettext_lazy("Groups grounded in these communities are brought "
                                                                    "forward."),
    )
    available_days = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Days available"), required=False, coerce=int, choices=list(enumerate(WEEKDAY_NAMES)),
        widget=forms.CheckboxSelectMultiple, help_text=gettext_lazy("Leave all unticked for any day."),
    )
    available_times = forms.MultipleChoiceField(
        label=gettext_lazy("Times available"), required=False, choices=TimeOfDay.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Leave all unticked for any time."),
    )

    class Meta:
        model = MatchingPreferences
        fields = [
            "drinking_goal", "on_maud", "spiritual_content", "in_person_ok", "online_ok", "app_ok", "online_only",
            "transportation", "language", "gender_groups", "cultural_focuses", "cultural_notes", "available_days",
            "available_times", "notes",
        ]
        labels = {"on_maud": gettext_lazy("Takes a medication for alcohol use disorder (MAUD)"),
                  "notes": gettext_lazy("Anything else that matters for finding a group")}
        help_texts = {
            "drinking_goal": gettext_lazy("Used only while the patient has no signed treatment plan; once a plan is "
                                          "signed, matching uses its drinking goal and medications."),
            "gender_groups": gettext_lazy("Women-only or men-only groups are suggested only when they fit."),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, plan=None, plan_url="", **kwargs):
        """``plan`` (``matching.drinking_goal_and_maud``): when a signed treatment plan decides the drinking goal
        and MAUD, the form shows them read-only with a link to the plan (``plan_url``) instead of asking."""
        super().__init__(*args, **kwargs)
        languages = type_codes.language_choices()
        current = self.initial.get("language") or self.instance.language
        if current and current not in languages:
            languages = sorted(languages + [current])
        self.fields["language"].choices = [(name, name) for name in languages]
        self.helper = FormHelper()
        self.helper.form_tag = False
        if plan is not None and plan.from_plan:
            del self.fields["drinking_goal"], self.fields["on_maud"]
            goal_and_medication = HTML(format_html(
                '<div class="plan-decides mb-3"><p class="mb-1">{}</p><dl class="facts mb-1"><dt>{}</dt><dd>{}</dd>'
                '<dt>{}</dt><dd>{}</dd></dl><a href="{}">{}</a></div>',
                gettext("The signed treatment plan (version %(version)s) decides these; matching uses them.")
                % {"version": plan.plan_version},
                gettext("Drinking goal"), plan.drinking_goal_label,
                gettext("Takes a medication for alcohol use disorder (MAUD)"),
                gettext("Yes") if plan.on_maud else gettext("No"), plan_url, gettext("See the treatment plan")))
        else:
            goal_and_medication = Row(Column("drinking_goal"), Column("on_maud", css_class="pt-md-4"))
        self.helper.layout = Layout(
            Fieldset(gettext_lazy("Goal and medication"), goal_and_medication),
            Fieldset(gettext_lazy("Kind of group"), Row(Column("spiritual_content"), Column("gender_groups")),
                     Row(Column("language"), Column("cultural_notes")), "cultural_focuses"),
            Fieldset(gettext_lazy("How and when"),
                     Row(Column("in_person_ok"), Column("online_ok"), Column("app_ok"), Column("online_only")),
                     "transportation", Row(Column("available_days"), Column("available_times"))),
            "notes",
            Submit("save", gettext_lazy("Save preferences")),
        )

    def clean(self):
        data = super().clean()
        if data.get("online_only"):
            if not (data.get("online_ok") or data.get("app_ok")):
                self.add_error("online_only", gettext("Online only needs “open to online meetings” or “open to apps”."))
        elif not (data.get("in_person_ok") or data.get("online_ok") or data.get("app_ok")):
            self.add_error("in_person_ok", gettext("Tick at least one format the patient is open to."))
        return data
