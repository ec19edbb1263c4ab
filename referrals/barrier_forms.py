"""Forms for barriers and interventions (Stop 5)."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone

from patients.forms import DateInput
from patients.models import Patient

from .models import Barrier, BarrierKind, BarrierStatus, Intervention, InterventionStatus
from .stop5 import assignable_staff

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


class BarrierForm(forms.ModelForm):
    class Meta:
        model = Barrier
        fields = ["kind", "other_kind", "severity", "details", "noted_on", "owner"]
        widgets = {"noted_on": DateInput(), "details": forms.Textarea(attrs={"rows": 3}),
                   "severity": forms.RadioSelect,
                   "other_kind": forms.TextInput(attrs={"list": OTHER_KINDS_LIST_ID, "autocomplete": "off"})}
        field_classes = {"owner": StaffChoiceField}

    def __init__(self, *args, patient, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.patient = patient
        self.instance.noted_by = user
        self.fields["owner"].queryset = assignable_staff(patient.clinic_id)
        self.fields["owner"].initial = user.pk
        self.fields["owner"].empty_label = None
        self.fields["noted_on"].initial = timezone.localdate()
        self.fields["other_kind"].help_text = "For “Other”: pick a name used before, or type a new one."
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
            Submit("save", "Save barrier"),
        )


class BarrierStatusForm(forms.Form):
    status = forms.ChoiceField(choices=BarrierStatus.choices, label="Status")
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)

    def __init__(self, *args, barrier, **kwargs):
        super().__init__(*args, **kwargs)
        self.barrier = barrier
        self.fields["status"].initial = barrier.status
        self.helper = _helper(
            Row(Column("status", css_class="col-sm-5"), Column("note", css_class="col-sm-7")),
            Submit("save_status", "Update status"),
        )

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == self.barrier.status:
            raise forms.ValidationError(f"The barrier is already “{self.barrier.get_status_display()}”.")
        return status


class InterventionForm(forms.ModelForm):
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
            Submit("save", "Add intervention"),
        )

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < self.barrier.noted_on:
            raise forms.ValidationError(
                f"The due date cannot be before the barrier was noted ({self.barrier.noted_on:%b %-d, %Y}).")
        return due_on



class InterventionOutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label="Outcome", widget=forms.RadioSelect,
        choices=[(v, label) for v, label in InterventionStatus.choices if v != InterventionStatus.PLANNED],
    )
    completed_on = forms.DateField(label="Date", widget=DateInput())
    outcome_note = forms.CharField(label="How it went", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    barrier_resolved = forms.BooleanField(label="The barrier is resolved now", required=False)

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.intervention = intervention
        self.fields["completed_on"].initial = timezone.localdate()
        self.helper = _helper("status", "completed_on", "outcome_note", "barrier_resolved",
                              Submit("save", "Save outcome"))

    def clean_completed_on(self):
        day = self.cleaned_data["completed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("An outcome cannot be dated in the future.")
        return day

    def clean(self):
        cleaned = super().clean()
        if not self.intervention.is_planned:
            raise forms.ValidationError("This intervention's outcome is already recorded.")
        return cleaned

