"""Forms for Stop 3: conversations, referrals and their moves, first-meeting plans, Part 2 consents."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from patients.date_windows import CONSENT_EXPIRY, HAPPENED, SOON, DateWindowsMixin, not_before
from patients.forms import DateInput
from patients.models import Role, StaffMember

from ..directory.forms import MatchingPreferencesForm
from ..directory.matching import gender_fit_concern
from ..directory.models import GenderGroups, Meeting, Program, ProgramGroup
from ..lifecycle import START_STATUSES, CloseReason, ReferralStatus
from .lead import CARE_ROLES, NEXT_STEP_NOTICE_DAYS
from .models import Consent, FirstMeetingPlan, InformationCategory, MutualSupportConversation, RevocationReceipt
from .models.consent import DisclosureMethod
from .models.conversation import CompanionOffer, Concern

NEXT_STEP_DEFAULT = datetime.timedelta(days=7)


def _helper(layout=None):
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout is not None:
        helper.layout = layout
    return helper


def clinic_meetings(clinic_id):
    return Meeting.objects.of_clinic(clinic_id).active().select_related("program").order_by("program__name", "name")


def care_staff(clinic_id):
    return (StaffMember.objects.filter(clinic_id=clinic_id, is_active=True, staff_roles__role__in=CARE_ROLES)
            .distinct().order_by("first_name", "last_name"))


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting):
        days = ", ".join(meeting.weekday_names) or _("by arrangement")
        when = f"{days} {time_format(meeting.start_time, 'TIME_FORMAT')}" if meeting.start_time else days
        # Every piece is in the active language: the days, the time in its format, the attendance.
        return f"{meeting.program.name}: {meeting.name} ({when}, {meeting.get_attendance_display().lower()})"


# Conversation ----------------------------------------------------------------------------------
class ConversationForm(DateWindowsMixin, forms.ModelForm):
    date_windows = {"held_on": ("The date of the conversation", HAPPENED), "next_step_on": ("The next step", SOON)}
    options_explained = forms.MultipleChoiceField(
        label=_("Kinds of groups explained"), choices=ProgramGroup.choices, widget=forms.CheckboxSelectMultiple)
    concerns = forms.MultipleChoiceField(
        label=_("Concerns or misconceptions the patient raised"), choices=Concern.choices,
        widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = MutualSupportConversation
        fields = ["held_on", "options_explained", "concerns", "concerns_addressed", "companion_offer",
                  "next_step", "next_step_on", "notes"]
        widgets = {
            "held_on": DateInput(), "next_step_on": DateInput(),
            "companion_offer": forms.RadioSelect,
            "concerns_addressed": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"notes": _("Other notes on the conversation")}

    open_barriers = forms.BooleanField(
        label=_("Open a Stop 5 barrier for each concern"), required=False,
        help_text=_("Each concern ticked above becomes a barrier of the fitting kind, owned by the case manager on "
                  "the care team, so it is followed up."))

    def __init__(self, *args, join_role=None, team_has_peer=True, may_open_barriers=True, patient=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.may_open_barriers = may_open_barriers
        self.fields["companion_offer"].choices = CompanionOffer.choices
        # A week out unless changed: a next step with a date reaches the home queue of whoever agreed it.
        self.fields["next_step_on"].initial = timezone.localdate() + NEXT_STEP_DEFAULT
        self.fields["next_step_on"].help_text = _("It shows on your home page %(days)d days before.") % {
            "days": NEXT_STEP_NOTICE_DAYS}
        joining = []
        if join_role is not None:
            # The staff member is not on this patient's care team: they may join it with this conversation.
            help_text = _("You are not on this patient's care team. Joining makes you one of the people who "
                          "follow the patient here.")
            if join_role == Role.PEER_SPECIALIST and not team_has_peer:
                help_text = _("You are not on this patient's care team. Joining makes you one of the people who "
                              "follow the patient here. The team has no peer support specialist yet: with you on "
                              "it, Stop 3a applies.")
            self.fields["join_care_team"] = forms.BooleanField(
                label=_("Add me to the care team as %(role)s") % {"role": Role(join_role).label.lower()},
                required=False,
                help_text=help_text)
            joining = [Fieldset(_("You and the care team"), "join_care_team")]
        self.helper = _helper(Layout(
            *joining,
            Fieldset(_("The conversation"), "held_on", "options_explained"),
            Fieldset(_("Concerns"), "concerns", "concerns_addressed", "open_barriers"),
            Fieldset(_("First meeting together"), "companion_offer"),
            Fieldset(_("Next step"), Row(Column("next_step", css_class="col-md-8"),
                                      Column("next_step_on", css_class="col-md-4")), "notes"),
        ))


    def clean(self):
        cleaned = super().clean()
        if cleaned.get("open_barriers"):
            if not cleaned.get("concerns"):
                self.add_error("open_barriers", _("Tick the concerns the patient raised first."))
            elif not (self.may_open_barriers or cleaned.get("join_care_team")):
                self.add_error("open_barriers", _("Only case managers and the patient's care team open barriers: "
                                                "join the care team above, or leave this unticked."))
        return cleaned


class PreferencesForm(MatchingPreferencesForm):
    """The patient's preferences as heard in the conversation; saved to their matching preferences."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "prefs")
        super().__init__(*args, **kwargs)
        # Same fields and rules as the matching-preferences page; the conversation form has its own button.
        self.helper.layout = Layout(*[f for f in self.helper.layout.fields if not isinstance(f, Submit)])
        self.helper.layout.insert(0, HTML(format_html('<h2 class="h5 mt-3">{}</h2>', _("The patient's preferences"))))


# Referrals -------------------------------------------------------------------------------------
class ReferralForm(forms.Form):
    """A referral chosen by hand. A program for family and friends becomes a suggestion for someone close to the
    patient; a women-only (or men-only) program or meeting that the patient's preferences do not say fits needs a
    confirmation with the reason."""

    program = forms.ModelChoiceField(queryset=Program.objects.none(), label=_("Program"))
    meeting = MeetingChoiceField(queryset=Meeting.objects.none(), required=False, label=_("Specific meeting"),
                                 help_text=_("Optional. Only meetings in your clinic's list are offered."))
    status = forms.ChoiceField(
        label=_("Where things stand"), initial=ReferralStatus.SUGGESTED,
        choices=[(s.value, s.label) for s in ReferralStatus if s in START_STATUSES], widget=forms.RadioSelect)
    for_whom = forms.CharField(
        label=_("Who it is for (groups for family and friends)"), max_length=120, required=False,
        help_text=_("A program such as Al-Anon is suggested for someone close to the patient, never as the patient's "
                  "own group. Optional: who, in the patient's words, e.g. “her husband”."))
    fits_anyway = forms.BooleanField(label=_("It fits the patient all the same"), required=False)
    fit_reason = forms.CharField(label=_("Why it fits"), max_length=300, required=False,
                                 help_text=_("Only asked when the group is for women or men only and the patient's "
                                           "preferences do not say so."))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, patient, gender_groups=GenderGroups.NOT_ASKED, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient, self.gender_groups = patient, gender_groups
        self.fields["program"].queryset = Program.objects.for_clinic(patient.clinic_id)
        self.fields["meeting"].queryset = clinic_meetings(patient.clinic_id)
        self.fit_concern = ""
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        meeting, program = data.get("meeting"), data.get("program")
        if meeting and program and meeting.program_id != program.pk:
            self.add_error("meeting", _("This meeting belongs to %(meeting_program)s, not %(program)s.")
                                      % {"meeting_program": meeting.program.name, "program": program.name})
        if program is None:
            return data
        if program.is_for_family_and_friends:
            if meeting:
                self.add_error("meeting", _("%(program_name)s is for family and friends: it is suggested for someone "
                                            "close to the patient, without one of the clinic's meetings.")
                                          % {"program_name": program.name})
            if data.get("status") == ReferralStatus.REFERRED:
                self.add_error("status", _("%(program_name)s is for family and friends: record it as suggested or "
                                           "discussed, a suggestion for someone close to the patient.")
                                         % {"program_name": program.name})
        elif data.get("for_whom"):
            self.add_error("for_whom", _("%(program_name)s is the patient's own group; leave “who it is for” empty.")
                                       % {"program_name": program.name})
        self.fit_concern = gender_fit_concern(self.gender_groups, program, meeting)
        if self.fit_concern and not (data.get("fits_anyway") and (data.get("fit_reason") or "").strip()):
            self.add_error("fits_anyway", _("%(fit_concern)s. Tick “It fits the patient all the same” and say why to "
                                            "go ahead, or choose another group.") % {"fit_concern": self.fit_concern})
        if not self.fit_concern:
            data["fit_reason"] = ""
        return data


class MoveForm(forms.Form):
    new_status = forms.ChoiceField(label=_("Move to"), widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=_("Reason (when declined or stopped)"), required=False,
                               choices=[("", "—")] + CloseReason.choices)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.fields["new_status"].choices = [(s.value, _move_label(referral.status, s))
                                             for s in referral.next_statuses]
        self.initial.setdefault("version", referral.version)
        self.helper = _helper()


class ReferralMeetingForm(forms.Form):
    """Change which meeting of the program a referral is for (optimistic locking through ``version``)."""

    meeting = MeetingChoiceField(queryset=Meeting.objects.none(), required=False, label=_("Meeting"),
                                 empty_label=_("Any meeting of the program"),
                                 help_text=_("Only this program's meetings in your clinic's list are offered."))
    note = forms.CharField(label=_("Why (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=1000)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = clinic_meetings(referral.patient.clinic_id).filter(
            program_id=referral.program_id)
        self.initial.setdefault("meeting", referral.meeting_id)
        self.initial.setdefault("version", referral.version)
        self.helper = _helper()


def _move_label(current, target):
    if current in (ReferralStatus.DECLINED, ReferralStatus.STOPPED):
        return _("Re-open (back to “%(status)s”)") % {"status": ReferralStatus(target).label}
    return ReferralStatus(target).label


class FirstMeetingPlanForm(DateWindowsMixin, forms.ModelForm):
    date_windows = {"planned_for": ("The first meeting", SOON)}
    meeting = MeetingChoiceField(queryset=Meeting.objects.none(), label=_("Which meeting"))

    class Meta:
        model = FirstMeetingPlan
        fields = ["companion", "meeting", "planned_for", "meet_at"]
        widgets = {"planned_for": DateInput()}

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.referral = referral
        clinic_id = referral.patient.clinic_id
        self.fields["companion"].queryset = care_staff(clinic_id)
        self.fields["meeting"].queryset = clinic_meetings(clinic_id).filter(program_id=referral.program_id)
        if referral.meeting_id:
            self.initial.setdefault("meeting", referral.meeting_id)
        self.helper = _helper(Layout(
            Row(Column("companion"), Column(Field("planned_for"))), "meeting", "meet_at"))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened"), widget=forms.RadioSelect,
        choices=[c for c in FirstMeetingPlan.Outcome.choices if c[0] != FirstMeetingPlan.Outcome.PLANNED])
    note = forms.CharField(label=_("How it went"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# Consent (42 CFR Part 2) -----------------------------------------------------------------------
class ConsentForm(DateWindowsMixin, forms.ModelForm):
    date_windows = {"signed_on": ("The date signed", HAPPENED), "expires_on": ("The expiry date", CONSENT_EXPIRY)}

    information_categories = forms.MultipleChoiceField(
        label=_("Information the patient agrees to share"), choices=InformationCategory.choices,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Consent
        fields = ["program", "recipient_name", "disclosing_party", "information_categories", "information_detail",
                  "purpose", "expires_on", "expiry_event", "right_to_revoke_explained", "how_to_revoke",
                  "signed_by", "signed_on", "signed_by_representative", "representative_authority"]
        widgets = {
            "expires_on": DateInput(), "signed_on": DateInput(),
            "information_detail": forms.Textarea(attrs={"rows": 2}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "how_to_revoke": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.instance.patient = patient
        clinic = patient.clinic
        self.fields["program"].queryset = Program.objects.for_clinic(clinic)
        self.fields["program"].help_text = (
            "Referral letters to this program may be produced under this consent. A program for family and friends "
            "(such as Al-Anon) is shared with on behalf of a suggestion for someone close to the patient.")
        self.fields["right_to_revoke_explained"].required = True
        self.initial.setdefault("disclosing_party", clinic.name)
        self.initial.setdefault("signed_on", timezone.localdate())
        where = ", ".join([clinic.name, *clinic.letterhead_lines])
        self.initial.setdefault("how_to_revoke", f"Give or send {clinic.name} a signed, written note saying you revoke "
                                                 f"this consent (write to {where}).")
        self.helper = _helper(Layout(
            Fieldset(_("Who shares, with whom"), "disclosing_party", Row(Column("program"), Column("recipient_name"))),
            Fieldset(_("What, and why"), "information_categories", "information_detail", "purpose"),
            Fieldset(_("How long"), Row(Column("expires_on"), Column("expiry_event"))),
            Fieldset(_("The right to revoke"), "right_to_revoke_explained", "how_to_revoke"),
            Fieldset(_("Signature"), Row(Column("signed_by"), Column("signed_on")), "signed_by_representative",
                     "representative_authority"),
        ))


class RevokeConsentForm(DateWindowsMixin, forms.Form):
    """The patient's written revocation: how it reached the clinic and when (42 CFR 2.31(a)(6))."""

    received_as = forms.ChoiceField(
        label=_("How the written revocation was received"), widget=forms.RadioSelect,
        choices=[c for c in RevocationReceipt.choices if c[0] != RevocationReceipt.NOT_RECORDED])
    received_on = forms.DateField(label=_("Date received"), widget=DateInput())
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False,
                           help_text=_("e.g. “letter kept in the paper chart”."))

    def __init__(self, *args, consent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent = consent
        self.initial.setdefault("received_on", timezone.localdate())
        if consent is not None:
            self.date_windows = {"received_on": ("The date received", not_before(
                consent.signed_on, "the date the consent was signed"))}
        self.helper = _helper(Layout("received_as", Row(Column("received_on"), Column("note"))))

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        if self.consent is not None and day < self.consent.signed_on:
            raise forms.ValidationError(_("The consent was signed after this date."))
        return day


class LetterForm(forms.Form):
    consent = forms.ModelChoiceField(queryset=Consent.objects.none(), label=_("Under which consent"),
                                     widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args, consents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].queryset = consents
        self.fields["consent"].label_from_instance = lambda c: (
            _("%(recipient_name)s: signed %(signed_on)s, expires %(expires_on)s") % {
                "recipient_name": c.recipient_name, "signed_on": date_format(c.signed_on, "DATE_FORMAT"),
                "expires_on": date_format(c.expires_on, "DATE_FORMAT")})
        if len(consents) == 1:
            self.initial["consent"] = consents[0].pk
        self.helper = _helper()


class OutsideDisclosureForm(DateWindowsMixin, forms.Form):
    """A disclosure made outside the product (a phone call, an e-mail), logged under the consent it used."""

    method = forms.ChoiceField(label=_("How"), choices=[c for c in DisclosureMethod.choices
                                                     if c[0] != DisclosureMethod.LETTER])
    disclosed_on = forms.DateField(label=_("Date"), widget=DateInput())
    disclosed_at_time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    information = forms.CharField(
        label=_("What you shared"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In words, e.g. “name, phone number and that she is starting on Tuesday”. "
                  "Share only what the consent allows."))

    def __init__(self, *args, consent=None, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.localtime()
        self.initial.setdefault("disclosed_on", now.date())
        if consent is not None:  # made while the consent was in force: not before it was signed
            self.date_windows = {"disclosed_on": ("The date", not_before(consent.signed_on,
                                                                         "the date the consent was signed"))}
        self.initial.setdefault("disclosed_at_time", now.strftime("%H:%M"))
        self.helper = _helper(Layout(Row(Column("method"), Column("disclosed_on"), Column("disclosed_at_time")),
                                     "information"))

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("disclosed_on"), cleaned.get("disclosed_at_time")
        if day and time:
            try:
                cleaned["disclosed_at"] = timezone.make_aware(datetime.datetime.combine(day, time))
            except (OverflowError, ValueError):
                self.add_error("disclosed_on", _("Enter a real date and time."))
                return cleaned
            if cleaned["disclosed_at"] > timezone.now():
                self.add_error("disclosed_at_time", _("This is in the future: log a disclosure once it is made."))
        return cleaned
