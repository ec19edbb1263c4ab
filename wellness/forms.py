from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from patients.date_windows import HAPPENED, TARGET, DateWindowsMixin

from .definitions import DefinitionError, parse_definition
from .models import SignAndAction, Support, WellnessGoal, WellnessPlan


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _helper(layout=None):
    helper = FormHelper()
    helper.form_tag = False
    if layout is not None:
        helper.layout = layout
    return helper


def _display(form, name, value):
    """A field value in words, for the plan's history."""
    field = form.fields[name]
    if value in (None, ""):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if hasattr(value, "isoformat"):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def changed_fields(form):
    """[(label, before, after)] for the fields the user changed on a bound, valid model form."""
    rows = []
    for name in form.changed_data:
        before = form.initial.get(name)
        rows.append((form.fields[name].label, _display(form, name, before),
                     _display(form, name, form.cleaned_data.get(name))))
    return rows


def filled_fields(form):
    """[(label, "", value)] for every filled field of a new item, for the plan's history."""
    return [(form.fields[n].label, "", _display(form, n, form.cleaned_data.get(n)))
            for n in form.fields if form.cleaned_data.get(n) not in (None, "", False)]


class WellnessPlanForm(forms.ModelForm):
    class Meta:
        model = WellnessPlan
        fields = WellnessPlan.TEXT_SECTIONS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in WellnessPlan.TEXT_SECTIONS}
        help_texts = {
            "vision": _("In the patient's own words: what a good, meaningful life looks like."),
            "daily_goals": _("Small, doable things, e.g. a walk, a call to a friend, taking medication."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class WellnessGoalForm(DateWindowsMixin, forms.ModelForm):
    date_windows = {"target_date": ("The date aimed for", TARGET)}

    class Meta:
        model = WellnessGoal
        fields = ["goal", "dimension", "steps", "target_date", "status"]
        widgets = {"steps": forms.Textarea(attrs={"rows": 3}), "target_date": DateInput()}

    def __init__(self, *args, with_status=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_status:
            del self.fields["status"]
        self.helper = _helper(Layout(
            "goal", Row(Column("dimension"), Column("target_date"),
                        *([Column("status")] if with_status else [])), "steps",
        ))


class SignAndActionForm(forms.ModelForm):
    class Meta:
        model = SignAndAction
        fields = ["kind", "what", "my_action"]
        widgets = {"my_action": forms.Textarea(attrs={"rows": 2})}
        labels = {"kind": _("This is a")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class SupportForm(forms.ModelForm):
    class Meta:
        model = Support
        fields = ["kind", "name", "relationship", "how_to_reach", "call_in_crisis"]
        labels = {"kind": _("This is a")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Layout(
            Row(Column("kind"), Column("name")), Row(Column("relationship"), Column("how_to_reach")),
            "call_in_crisis",
        ))


class AssessmentForm(DateWindowsMixin, forms.Form):
    """One radio question per item of a questionnaire definition; every item needs an answer."""

    date_windows = {"taken_on": ("The date of the assessment", HAPPENED)}

    taken_on = forms.DateField(label=_("Date"), widget=DateInput())
    notes = forms.CharField(label=_("What we talked about (optional)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, definition, patient=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.patient = patient
        self.fields["taken_on"].initial = timezone.localdate()
        for number, item in enumerate(definition.items, start=1):
            self.fields[self.field_name(item)] = forms.TypedChoiceField(
                label=item.text, choices=definition.scale.choices(), coerce=int, widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer for this sentence."),
                                "invalid_choice": _("Choose one of the answers shown.")},
            )
            self.fields[self.field_name(item)].item = item
            self.fields[self.field_name(item)].number = number

    @staticmethod
    def field_name(item):
        return f"item_{item.id}"

    def item_fields(self):
        return [self[self.field_name(item)] for item in self.definition.items]

    def answers(self):
        return {item.id: self.cleaned_data[self.field_name(item)] for item in self.definition.items}


class QuestionnaireDefinitionForm(forms.Form):
    """A definition given as an uploaded JSON file or as pasted text; validated in full before anything is saved."""

    file = forms.FileField(label=_("Definition file (JSON)"), required=False)
    text = forms.CharField(label=_("…or paste or edit the definition"), required=False,
                           widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace", "spellcheck": "false"}))

    def __init__(self, *args, allow_file=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_file:
            del self.fields["file"]
            self.fields["text"].label = _("Definition (JSON)")
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("text", "")
        field = "file" if upload else "text"
        if upload:
            if upload.size > 512 * 1024:
                self.add_error("file", _("The file is larger than 512 KB."))
                return cleaned
            source = upload.read()
        elif text.strip():
            source = text
        else:
            self.add_error("text" if "file" not in self.fields else "file",
                           _("Choose a definition file or paste a definition."))
            return cleaned
        try:
            cleaned["definition"] = parse_definition(source)
        except DefinitionError as exc:
            self.add_error(field, forms.ValidationError([forms.ValidationError(p) for p in exc.problems]))
        return cleaned


class TreatmentGoalFromGapForm(DateWindowsMixin, forms.Form):
    date_windows = {"target_date": ("The target date", TARGET)}

    description = forms.CharField(label=_("Treatment-plan goal"), max_length=500,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

