"""Forms for Stop 5: barriers and interventions, follow-ups on meeting participation."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from patients.date_windows import HAPPENED, SOON, DateWindowsMixin, not_before
from patients.forms import DateInput, ModelMultipleIdField
from patients.models import Clinic, Patient

from .access import assignable_staff
from .models import (
    DEFAULT_FOLLOW_UP_INTERVAL,
    Barrier,
    BarrierKind,
    BarrierSeverity,
    BarrierStatus,
    FollowUp,
    Intervention,
    InterventionStatus,
    OutreachAttempt,
)
from .models.followups import STAFF_METHODS

INTERVENTION_DEFAULT_DUE = datetime.timedelta(days=7)
OTHER_KINDS_LIST_ID = "other-barrier-names"
MAX_SUGGESTIONS = 50


def _helper(*layout):
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class BarrierForm(DateWindowsMixin, forms.ModelForm):
    date_windows = {"noted_on": ("The date noted", HAPPENED)}

    class Meta:
        model = Barrier
        fields = ["kind", "other_kind", "severity", "details", "noted_on", "owner"]
        widgets = {"noted_on": DateInput(), "details": forms.Textarea(attrs={"rows": 3}),
                   "severity": forms.RadioSelect,
                   "other_kind": forms.TextInput(attrs={"list": OTHER_KINDS_LIST_ID, "autocomplete": "off"})}
        field_classes = {"owner": StaffChoiceField}

    def __init__(self, *args, patient, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.instance.patient = patient
        self.instance.noted_by = user
        self.fields["owner"].queryset = assignable_staff(patient.clinic_id)
        self.fields["owner"].initial = user.pk
        self.fields["owner"].empty_label = None
        self.fields["noted_on"].initial = timezone.localdate()
        self.fields["other_kind"].help_text = _("For “Other”: pick a name used before, or type a new one.")
        # Names given to "Other" barriers before (of patients this user may see), offered so the same barrier
        # keeps one name and counts together on the clinic overview.
        used = (Barrier.objects.filter(patient__in=Patient.objects.visible_to(user), kind=BarrierKind.OTHER)
                .values_list("other_kind", flat=True).order_by("other_kind").distinct()[:MAX_SUGGESTIONS])
        self.other_kind_suggestions = sorted({name.strip().lower(): name.strip() for name in used}.values())
        self.helper = _helper(
            Row(Column("kind"), Column("other_kind")),
            "severity",
            "details",
            Row(Column("noted_on"), Column("owner")),
            Submit("save", _("Save barrier")),
        )


class BarrierStatusForm(forms.Form):
    status = forms.ChoiceField(choices=BarrierStatus.choices, label=_("Status"))
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def __init__(self, *args, barrier, **kwargs):
        super().__init__(*args, **kwargs)
        self.barrier = barrier
        self.fields["status"].initial = barrier.status
        self.helper = _helper(
            Row(Column("status", css_class="col-sm-5"), Column("note", css_class="col-sm-7")),
            Submit("save_status", _("Update status")),
        )

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == self.barrier.status:
            raise forms.ValidationError(_("The barrier is already “%(status)s”.")
                                        % {"status": self.barrier.get_status_display()})
        return status


class InterventionForm(DateWindowsMixin, forms.ModelForm):
    class Meta:
        model = Intervention
        fields = ["kind", "what", "owner", "due_on"]
        widgets = {"due_on": DateInput()}
        field_classes = {"owner": StaffChoiceField}

    def __init__(self, *args, barrier, user, suggestion=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.barrier = barrier
        self.instance.barrier = barrier
        self.instance.created_by = user
        # Not before the barrier was noted (the rule below says so first), and within the next two years.
        self.date_windows = {"due_on": ("The due date", not_before(barrier.noted_on, "the day the barrier was noted",
                                                                   latest=SOON.latest))}
        self.fields["owner"].queryset = assignable_staff(barrier.patient.clinic_id)
        self.fields["owner"].initial = user.pk
        self.fields["owner"].empty_label = None
        self.fields["due_on"].initial = timezone.localdate() + INTERVENTION_DEFAULT_DUE
        if suggestion is not None:
            self.fields["kind"].initial = suggestion.kind
            self.fields["what"].initial = suggestion.what
        self.helper = _helper(
            Row(Column("kind", css_class="col-md-5"), Column("what", css_class="col-md-7")),
            Row(Column("owner"), Column("due_on")),
            Submit("save", _("Add intervention")),
        )

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < self.barrier.noted_on:
            raise forms.ValidationError(
                _("The due date cannot be before the barrier was noted (%(noted_on)s).")
                % {"noted_on": date_format(self.barrier.noted_on, "DATE_FORMAT")})
        return due_on



class InterventionOutcomeForm(DateWindowsMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"), widget=forms.RadioSelect,
        choices=[(v, label) for v, label in InterventionStatus.choices if v != InterventionStatus.PLANNED],
    )
    completed_on = forms.DateField(label=_("Date"), widget=DateInput())
    outcome_note = forms.CharField(label=_("How it went"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    barrier_resolved = forms.BooleanField(label=_("The barrier is resolved now"), required=False)

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.intervention = intervention
        self.fields["completed_on"].initial = timezone.localdate()
        noted_on = intervention.barrier.noted_on  # the view has loaded the barrier
        self.date_windows = {"completed_on": ("The date", not_before(noted_on, "the day the barrier was noted"))}
        self.helper = _helper("status", "completed_on", "outcome_note", "barrier_resolved",
                              Submit("save", _("Save outcome")))

    def clean_completed_on(self):
        day = self.cleaned_data["completed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("An outcome cannot be dated in the future."))
        return day

    def clean(self):
        cleaned = super().clean()
        if not self.intervention.is_planned:
            raise forms.ValidationError(_("This intervention's outcome is already recorded."))
        return cleaned


# Follow-ups -----------------------------------------------------------------------------------------
MAX_MEETINGS_PER_FOLLOW_UP = 200


class BarrierChoiceField(ModelMultipleIdField):
    def label_from_instance(self, obj):
        return _("%(label)s (%(severity)s, noted %(noted_on)s)") % {
            "label": obj.label, "severity": obj.get_severity_display().lower(),
            "noted_on": date_format(obj.noted_on, "MONTH_DAY_FORMAT")}


class ReferralChoiceField(ModelMultipleIdField):
    def label_from_instance(self, obj):
        return f"{obj.target_name} ({obj.get_status_display().lower()})"  # both in the active language already


class FollowUpLogForm(DateWindowsMixin, forms.ModelForm):
    """Log a follow-up as done: what happened, what changed, and when the next one is."""

    date_windows = {"done_on": ("The date of the follow-up", HAPPENED),
                    "next_follow_up_on": ("The next follow-up", SOON)}

    attended_referrals = ReferralChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label=_("Which groups they went to"),
        help_text=_("Ticking a referral moves it forward: referred → first meeting attended; first meeting "
                  "attended (on an earlier day) → engaged."),
    )
    resolved_barriers = BarrierChoiceField(
        queryset=Barrier.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Barriers now resolved"),
    )
    new_barrier_kind = forms.ChoiceField(label=_("New barrier"), required=False,
                                         choices=[("", _("None"))] + BarrierKind.choices)
    new_barrier_other = forms.CharField(label=_("Name it (for “Other”)"), max_length=120, required=False)
    new_barrier_severity = forms.ChoiceField(label=_("How much it gets in the way"), choices=BarrierSeverity.choices,
                                             initial=BarrierSeverity.SOMEWHAT, required=False)
    new_barrier_details = forms.CharField(label=_("What gets in the way"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    next_assigned_to = StaffChoiceField(queryset=None, label=_("Who does the next follow-up"), required=False)

    class Meta:
        model = FollowUp
        fields = ["done_on", "method", "meetings_attended", "in_their_words", "felt_welcome", "notes",
                  "next_follow_up_on"]
        widgets = {
            "done_on": DateInput(), "next_follow_up_on": DateInput(),
            "method": forms.RadioSelect, "felt_welcome": forms.RadioSelect,
            "in_their_words": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, choices, user, patient=None, **kwargs):
        """``instance`` is the follow-up being logged (``services.follow_up_to_log``); ``choices`` what the form
        offers (``services.follow_up_log_choices``), looked up beforehand: the form itself asks no queries."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.patient = patient
        today = timezone.localdate()

        f = self.fields
        f["done_on"].required = True
        self._default("done_on", today)
        f["method"].required = True
        f["method"].choices = [(m.value, m.label) for m in STAFF_METHODS]
        meetings = f["meetings_attended"]
        meetings.required = True
        self._default("meetings_attended", 0)
        meetings.validators = [
            MinValueValidator(0, message=_("Meetings attended cannot be negative.")),
            MaxValueValidator(MAX_MEETINGS_PER_FOLLOW_UP,
                              message=_("Enter at most %(max)d meetings for one follow-up.") % {
                                  "max": MAX_MEETINGS_PER_FOLLOW_UP}),
        ]
        meetings.widget.attrs.update({"min": 0, "max": MAX_MEETINGS_PER_FOLLOW_UP})
        meetings.help_text = _("Count every mutual-support meeting, in person or online.")
        f["felt_welcome"].choices = [c for c in f["felt_welcome"].choices if c[0]]
        f["felt_welcome"].help_text = _("Needed when they went to at least one meeting.")
        f["attended_referrals"].queryset = choices.referrals
        f["resolved_barriers"].queryset = choices.open_barriers
        f["next_assigned_to"].queryset = choices.staff
        f["next_assigned_to"].initial = user.pk
        f["next_assigned_to"].empty_label = None

        already_scheduled = choices.already_scheduled
        if already_scheduled:
            self._default("next_follow_up_on", already_scheduled.due_on)
            f["next_follow_up_on"].help_text = _("Already scheduled for %(day)s. Leave empty to schedule none.") % {
                "day": date_format(already_scheduled.due_on, "DATE_FORMAT")}
        else:
            self._default("next_follow_up_on", today + DEFAULT_FOLLOW_UP_INTERVAL)
            f["next_follow_up_on"].help_text = _("Two weeks from today unless you change it. Leave empty for none.")

        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("The follow-up"), Row(Column("done_on", css_class="col-sm-5"), Column("method"))),
            Fieldset(_("Meetings since the last follow-up"), "meetings_attended",
                     "attended_referrals" if choices.has_referrals else
                     HTML(format_html('<p class="text-body-secondary small">{}</p>',
                                      _("No referrals to a group yet."))),
                     "in_their_words", "felt_welcome"),
            Fieldset(_("Barriers"),
                     "resolved_barriers" if choices.has_open_barriers else
                     HTML(format_html('<p class="text-body-secondary small">{}</p>', _("No open barriers."))),
                     Row(Column("new_barrier_kind"), Column("new_barrier_other")),
                     Row(Column("new_barrier_severity"), Column("new_barrier_details"))),
            Fieldset(_("Next follow-up"), Row(Column("next_follow_up_on"), Column("next_assigned_to"))),
            "notes",
            Submit("save", _("Save follow-up")),
        )

    def _default(self, name, value):
        if self.initial.get(name) in (None, ""):
            self.initial[name] = value

    def clean(self):
        cleaned = super().clean()
        meetings = cleaned.get("meetings_attended")
        groups = cleaned.get("attended_referrals") or []
        if meetings is not None and len(groups) > meetings:
            self.add_error("meetings_attended", ngettext(
                "You ticked %(count)s group they went to; count at least that many meetings.",
                "You ticked %(count)s groups they went to; count at least that many meetings.",
                len(groups)) % {"count": len(groups)})
        if meetings and not cleaned.get("felt_welcome"):
            self.add_error("felt_welcome", _("Say whether they felt welcome as someone taking medication, "
                                           "or choose “Did not say”."))
        kind = cleaned.get("new_barrier_kind")
        if kind == BarrierKind.OTHER and not (cleaned.get("new_barrier_other") or "").strip():
            self.add_error("new_barrier_other", _("Name the new barrier when its kind is “Other”."))
        if kind and not cleaned.get("new_barrier_severity"):
            self.add_error("new_barrier_severity", _("Say how much the new barrier gets in the way."))
        return cleaned

    def new_barrier(self):
        kind = self.cleaned_data.get("new_barrier_kind")
        if not kind:
            return None
        return Barrier(kind=kind, other_kind=self.cleaned_data["new_barrier_other"].strip(),
                       severity=self.cleaned_data["new_barrier_severity"],
                       details=self.cleaned_data["new_barrier_details"], owner=self.user)

    def what_happened(self):
        """What the follow-up changed, as keyword arguments of ``FollowUp.record_done``."""
        return {
            "resolved_barriers": self.cleaned_data["resolved_barriers"],
            "new_barrier": self.new_barrier(),
            "next_assigned_to": self.cleaned_data.get("next_assigned_to"),
            "attended_referrals": self.cleaned_data["attended_referrals"],
        }


class FollowUpScheduleForm(DateWindowsMixin, forms.Form):
    date_windows = {"due_on": ("The follow-up", SOON)}
    due_on = forms.DateField(label=_("Date"), widget=DateInput())
    assigned_to = StaffChoiceField(queryset=None, label=_("Who follows up"))

    def __init__(self, *args, patient, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["assigned_to"].queryset = assignable_staff(patient.clinic_id)
        self.fields["assigned_to"].initial = user.pk
        self.fields["assigned_to"].empty_label = None
        self.fields["due_on"].initial = timezone.localdate() + DEFAULT_FOLLOW_UP_INTERVAL
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Row(Column("due_on"), Column("assigned_to")), Submit("save", _("Schedule")))


# Tries to reach a patient, and the clinic's thresholds -------------------------------------------------
class OutreachAttemptForm(DateWindowsMixin, forms.ModelForm):
    """A try to reach the patient that did not reach them: how, when, a note (no meeting count)."""

    date_windows = {"attempted_on": ("The date of the try", HAPPENED)}

    attempted_on = forms.DateField(label=_("Date"), widget=DateInput())
    attempted_time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    class Meta:
        model = OutreachAttempt
        fields = ["method", "note"]
        widgets = {"method": forms.RadioSelect}

    def __init__(self, *args, patient, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.instance.patient, self.instance.by = patient, user
        now = timezone.localtime()
        self.fields["attempted_on"].initial = now.date()
        self.fields["attempted_time"].initial = now.strftime("%H:%M")
        self.helper = _helper("method", Row(Column("attempted_on"), Column("attempted_time")), "note",
                              Submit("save", _("Save the try")))

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("attempted_on"), cleaned.get("attempted_time")
        if day and time:
            try:
                when = timezone.make_aware(datetime.datetime.combine(day, time))
            except (OverflowError, ValueError):
                self.add_error("attempted_on", _("Enter a real date and time."))
                return cleaned
            if when > timezone.now():
                self.add_error("attempted_time", _("This is in the future: log a try once it is made."))
            else:
                self.instance.attempted_at = when
        return cleaned


class FollowUpSettingsForm(forms.ModelForm):
    """The clinic's thresholds for lapses and for tries to reach a patient (clinic admins)."""

    class Meta:
        model = Clinic
        fields = ["lapse_days", "outreach_attempts_alert"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("lapse_days", "outreach_attempts_alert", Submit("save", _("Save settings")))
