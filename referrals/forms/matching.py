from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms

from .. import type_codes
from ..models import WEEKDAY_NAMES, CulturalFocus, MatchingPreferences, TimeOfDay


class MatchingPreferencesForm(forms.ModelForm):
    language = forms.ChoiceField(label="Meeting language")
    cultural_focuses = forms.MultipleChoiceField(
        label="Cultural preferences", required=False, choices=CulturalFocus.choices,
        widget=forms.CheckboxSelectMultiple, help_text="Groups grounded in these communities are brought forward.",
    )
    available_days = forms.TypedMultipleChoiceField(
        label="Days available", required=False, coerce=int, choices=list(enumerate(WEEKDAY_NAMES)),
        widget=forms.CheckboxSelectMultiple, help_text="Leave all unticked for any day.",
    )
    available_times = forms.MultipleChoiceField(
        label="Times available", required=False, choices=TimeOfDay.choices, widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for any time.",
    )

    class Meta:
        model = MatchingPreferences
        fields = [
            "drinking_goal", "on_maud", "spiritual_content", "in_person_ok", "online_ok", "app_ok", "online_only",
            "transportation", "language", "gender_groups", "cultural_focuses", "cultural_notes", "available_days",
            "available_times", "notes",
        ]
        labels = {"on_maud": "Takes a medication for alcohol use disorder (MAUD)"}
        help_texts = {
            "drinking_goal": "Used only while the patient has no signed treatment plan; once a plan is signed, "
                             "matching uses its drinking goal and medications.",
            "gender_groups": "Women-only or men-only groups are suggested only when they fit.",
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        languages = type_codes.language_choices()
        current = self.initial.get("language") or self.instance.language
        if current and current not in languages:
            languages = sorted(languages + [current])
        self.fields["language"].choices = [(name, name) for name in languages]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("Goal and medication", Row(Column("drinking_goal"), Column("on_maud", css_class="pt-md-4"))),
            Fieldset("Kind of group", Row(Column("spiritual_content"), Column("gender_groups")),
                     Row(Column("language"), Column("cultural_notes")), "cultural_focuses"),
            Fieldset("How and when",
                     Row(Column("in_person_ok"), Column("online_ok"), Column("app_ok"), Column("online_only")),
                     "transportation", Row(Column("available_days"), Column("available_times"))),
            "notes",
            Submit("save", "Save preferences"),
        )

    def clean(self):
        data = super().clean()
        if data.get("online_only"):
            if not (data.get("online_ok") or data.get("app_ok")):
                self.add_error("online_only", "Online only needs “open to online meetings” or “open to apps”.")
        elif not (data.get("in_person_ok") or data.get("online_ok") or data.get("app_ok")):
            self.add_error("in_person_ok", "Tick at least one format the patient is open to.")
        return data
