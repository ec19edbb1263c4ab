"""Forms for editing a draft treatment-plan version: the plan itself plus its three lists of entries."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Layout, Row
from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .date_windows import MEDICATION, REVIEW, TARGET, DateWindowsMixin
from .forms import DateInput
from .medication_safety import ACKNOWLEDGED
from .models import PlanGoal, PlanMedication, PlanTherapy, PlanVersion, Role, StaffMember


def _helper(layout=None):
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.render_hidden_fields = True
    if layout is not None:
        helper.layout = layout
    return helper


class PlanVersionForm(DateWindowsMixin, forms.ModelForm):
    date_windows = {"next_review_date": ("The next review", REVIEW)}
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = PlanVersion
        fields = [
            "drinking_goal", "drinking_goal_in_own_words", "includes_peer_support", "includes_mutual_support",
            "next_review_date", "notes",
        ]
        widgets = {
            "drinking_goal": forms.RadioSelect,
            "drinking_goal_in_own_words": forms.Textarea(attrs={"rows": 2}),
            "next_review_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"next_review_date": gettext_lazy("When the clinician and patient review the plan again.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drinking_goal"].choices = [c for c in self.fields["drinking_goal"].choices if c[0]]
        self.fields["drinking_goal"].required = False
        self.fields["drinking_goal"].help_text = "Needed before the plan can be signed."
        self.initial.setdefault("lock_version", self.instance.lock_version)
        review = self.instance.next_review_date
        if not self.is_bound and review is not None and review < timezone.localdate():
            # A revision of an overdue plan made before the proposal rule (or a draft left open): say so now,
            # not at the signature.
            self.fields["next_review_date"].help_text = _(
                "This date (%(date)s) has passed: choose today or a later date before signing."
            ) % {"date": date_format(review, "DATE_FORMAT")}
            self.fields["next_review_date"].widget.attrs.update({"class": "is-invalid", "aria-invalid": "true"})
        self.helper = _helper(Layout(
            "lock_version",
            Row(Column("drinking_goal", css_class="col-md-4"),
                Column("drinking_goal_in_own_words", css_class="col-md-8")),
            Row(Column("includes_peer_support", css_class="col-md-6"),
                Column("includes_mutual_support", css_class="col-md-6")),
            Row(Column("next_review_date", css_class="col-md-4"), Column("notes", css_class="col-md-8")),
        ))


class PlanMedicationForm(DateWindowsMixin, forms.ModelForm):
    date_windows = {"start_date": ("The start date", MEDICATION),
                    "stop_date": ("The stop or pause date", MEDICATION)}

    class Meta:
        model = PlanMedication
        fields = [
            "medication", "other_name", "dose", "schedule", "status", "status_reason", "start_date", "stop_date",
            "prescriber", "outside_prescriber",
        ]
        widgets = {"start_date": DateInput(), "stop_date": DateInput()}

    def __init__(self, *args, prescribers=None, prescriber_choices=None, patient=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        if prescribers is not None:
            self.fields["prescriber"].queryset = prescribers
            self.fields["prescriber"].choices = prescriber_choices  # evaluated once for the whole formset
        self.fields["prescriber"].label = "Prescriber at this clinic"
        self.fields["other_name"].help_text = "Only when the medication is “Other”."
        self.helper = _helper(Layout(
            Row(Column("medication", css_class="col-md-5"), Column("other_name", css_class="col-md-7")),
            Row(*[Column(name, css_class="col-sm-6 col-md-3")
                  for name in ("dose", "schedule", "start_date", "stop_date")]),
            Row(Column("status", css_class="col-md-3"), Column("status_reason", css_class="col-md-9")),
            Row(Column("prescriber", css_class="col-md-6"), Column("outside_prescriber", css_class="col-md-6")),
        ))


class PlanTherapyForm(forms.ModelForm):
    class Meta:
        model = PlanTherapy
        fields = ["therapy", "other_name", "frequency", "provider"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_name"].help_text = "Only when the therapy is “Other”."
        self.helper = _helper(Layout(
            Row(Column("therapy", css_class="col-md-6"), Column("other_name", css_class="col-md-6")),
            Row(Column("frequency", css_class="col-md-6"), Column("provider", css_class="col-md-6")),
        ))


class PlanGoalForm(DateWindowsMixin, forms.ModelForm):
    date_windows = {"target_date": ("The target date", TARGET)}

    class Meta:
        model = PlanGoal
        fields = ["description", "target_date", "status", "source", "source_note"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "target_date": DateInput(),
                   "source_note": forms.Textarea(attrs={"rows": 1})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Layout(
            "description",
            Row(Column("target_date", css_class="col-sm-6 col-md-3"), Column("status", css_class="col-sm-6 col-md-3"),
                Column("source", css_class="col-md-6")),
            "source_note",
        ))


class _EntryFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:  # saved entries only: a blank new entry has nothing to remove
            form.fields["DELETE"].label = "Remove this entry"
            form.helper.layout.append(Div(Field("DELETE"), css_class="plan-entry-remove"))


class MedicationFormSet(_EntryFormSet):
    def __init__(self, *args, clinic, patient=None, **kwargs):
        self.patient = patient
        prescribers = (StaffMember.objects.filter(clinic=clinic, is_active=True, staff_roles__role=Role.CLINICIAN)
                       .distinct().order_by("last_name", "first_name"))
        self.prescribers = prescribers
        self.prescriber_choices = [("", "—")] + [(s.pk, str(s)) for s in prescribers]
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "prescribers": self.prescribers,
                "prescriber_choices": self.prescriber_choices, "patient": self.patient}


def _formset(model, form, base, *, most):
    """A list of entries with at most ``most`` of them. A post claiming more (``TOTAL_FORMS=2000``) builds only
    ``most`` forms and gets a form error, instead of building and rendering thousands."""
    return inlineformset_factory(PlanVersion, model, form=form, formset=base, extra=1, can_delete=True,
                                 can_delete_extra=False, max_num=most, absolute_max=most, validate_max=True)


# Far above any real plan; low enough that a full plan stays well under DATA_UPLOAD_MAX_NUMBER_FIELDS.
MOST_MEDICATIONS = 20
MOST_THERAPIES = 20
MOST_GOALS = 40

MedicationEntries = _formset(PlanMedication, PlanMedicationForm, MedicationFormSet, most=MOST_MEDICATIONS)
TherapyEntries = _formset(PlanTherapy, PlanTherapyForm, _EntryFormSet, most=MOST_THERAPIES)
GoalEntries = _formset(PlanGoal, PlanGoalForm, _EntryFormSet, most=MOST_GOALS)


class PlanEditForms:
    """The plan form and its three entry formsets, validated and saved together."""

    def __init__(self, data, version, clinic, *, patient=None):
        """``patient`` (the plan's, already loaded) starts the window of a medication's dates at their birth."""
        self.version = version
        self.plan = PlanVersionForm(data, instance=version, prefix="plan")
        self.medications = MedicationEntries(data, instance=version, prefix="medications", clinic=clinic,
                                             patient=patient, queryset=version.medications.select_related("prescriber"))
        self.therapies = TherapyEntries(data, instance=version, prefix="therapies")
        self.goals = GoalEntries(data, instance=version, prefix="goals")

    @property
    def formsets(self):
        return [self.medications, self.therapies, self.goals]

    def is_valid(self):
        return all([self.plan.is_valid()] + [fs.is_valid() for fs in self.formsets])

    @property
    def expected_lock_version(self):
        return self.plan.cleaned_data["lock_version"]

    def save(self, by):
        version = self.plan.save(commit=False)
        version.updated_by = by
        version.save()
        for formset in self.formsets[:2]:
            formset.save()
        goals = self.goals.save(commit=False)
        for goal in self.goals.deleted_objects:
            goal.delete()
        for goal in goals:
            if goal.pk is None:
                goal.added_by = by
            goal.save()
        return version


class SignForm(forms.Form):
    """Signing a draft, with its medication safety prompts (``patients/medication_safety.py``).

    Every prompt may be answered; disulfiram with a goal of drinking less must be acknowledged with a reason. The
    answers are kept with the signed version."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, version, prompts, **kwargs):
        super().__init__(*args, **kwargs)
        self.prompts = prompts
        self.initial.setdefault("lock_version", version.lock_version)
        for prompt in prompts:
            if prompt.needs_acknowledgement:
                self.fields[prompt.code] = forms.BooleanField(
                    label=prompt.answer_labels[ACKNOWLEDGED], required=False, help_text=prompt.question)
                self.fields[f"{prompt.code}_note"] = forms.CharField(
                    label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=_("Why the plan keeps disulfiram with a goal of drinking less. Kept with the signed "
                                "plan."))
            else:
                self.fields[prompt.code] = forms.ChoiceField(
                    label=prompt.question, required=False, widget=forms.RadioSelect,
                    choices=[*prompt.answers, ("", "Not answered now")])
                self.fields[f"{prompt.code}_note"] = forms.CharField(
                    label=_("Note (optional)"), max_length=1000, required=False)
        self.helper = _helper(Layout("lock_version", *[
            Div(HTML(f'<h3 class="h6">{escape(p.title)}</h3>'), Field(p.code), Field(f"{p.code}_note"),
                css_class="safety-prompt") for p in prompts]))

    def clean(self):
        data = super().clean()
        for prompt in self.prompts:
            if prompt.needs_acknowledgement and not (data.get(prompt.code) and
                                                     (data.get(f"{prompt.code}_note") or "").strip()):
                self.add_error(prompt.code, _("Tick the acknowledgement and give the reason to sign, or change the "
                                            "medication or the drinking goal first."))
        return data

    def safety_answers(self):
        answers = {}
        for prompt in self.prompts:
            value = self.cleaned_data.get(prompt.code)
            answer = ACKNOWLEDGED if prompt.needs_acknowledgement and value else (value or "")
            answers[prompt.code] = (answer if isinstance(answer, str) else "", self.cleaned_data.get(
                f"{prompt.code}_note", ""))
        return answers
