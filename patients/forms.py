import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordMixin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from .date_windows import BIRTH_DATE, DateWindowsMixin
from .models import CareTeamMember, Patient, Role, StaffMember
from .request_input import parse_id


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


#: The dates a filter takes (a search, a period). No record of a clinic lies outside them, and working out a
#: period from a date near the calendar's ends (a day before 0001-01-01, a day after 9999-12-31) overflows.
EARLIEST_FILTER_DATE = datetime.date(1900, 1, 1)
LATEST_FILTER_DATE = datetime.date(2199, 12, 31)


class FilterDateField(forms.DateField):
    """A date to filter by, from 1900 to 2199; anything further off is a form error, not a server error."""

    def __init__(self, **kwargs):
        super().__init__(widget=DateInput(), **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and value < EARLIEST_FILTER_DATE:
            raise ValidationError(gettext("Pick a date from %(year)s on.")
                                  % {"year": EARLIEST_FILTER_DATE.year}, code="too_early")
        if value and value > LATEST_FILTER_DATE:
            raise ValidationError(gettext("Pick a date before %(year)s.")
                                  % {"year": LATEST_FILTER_DATE.year + 1}, code="too_late")


class ModelMultipleIdField(forms.ModelMultipleChoiceField):
    """Choose several records by id: each posted value must be a plain id (``patients.request_input.parse_id``)
    before the database sees it. (Django checks each value by building a query, which lets through ids too large
    for a database key; SQLite then fails the query with a server error.)"""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if parse_id(str(pk)) is None:
                    raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                          params={"pk": pk})
        return super()._check_values(value)


class PatientForm(DateWindowsMixin, forms.ModelForm):
    date_windows = {"date_of_birth": ("The date of birth", BIRTH_DATE)}

    class Meta:
        model = Patient
        fields = [
            "first_name", "last_name", "preferred_name", "pronouns", "date_of_birth", "mrn",
            "preferred_language", "phone", "email", "address", "preferred_contact", "ok_to_leave_message",
            "emergency_contact_name", "emergency_contact_relationship", "emergency_contact_phone",
        ]
        widgets = {"date_of_birth": DateInput()}

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.instance.clinic = clinic
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "Who",
                Row(Column("first_name"), Column("last_name")),
                Row(Column("preferred_name"), Column("pronouns")),
                Row(Column("date_of_birth"), Column("mrn"), Column("preferred_language")),
            ),
            Fieldset(
                "How to reach them",
                Row(Column("phone"), Column("email")),
                "address",
                Row(Column("preferred_contact"), Column("ok_to_leave_message", css_class="pt-md-4")),
            ),
            Fieldset(
                "Emergency contact",
                Row(Column("emergency_contact_name"), Column("emergency_contact_relationship"),
                    Column("emergency_contact_phone")),
            ),
            Submit("save", "Save patient"),
        )

    def clean_mrn(self):
        mrn = self.cleaned_data["mrn"].strip()
        clash = Patient.objects.filter(clinic=self.clinic, mrn__iexact=mrn).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(gettext("Another patient of this clinic already has this medical record "
                                                "number."))
        return mrn


class CareTeamMemberForm(forms.ModelForm):
    class Meta:
        model = CareTeamMember
        fields = ["role", "staff"]

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.patient = patient
        # Staff who hold a care role (their roles are not prefetched: the choices show names, and validating the
        # one chosen reads its roles once).
        self.fields["staff"].queryset = (
            StaffMember.objects
            .filter(clinic_id=patient.clinic_id, is_active=True,
                    staff_roles__role__in=[v for v, _ in CareTeamMember.TEAM_ROLES])
            .distinct()
        )
        self.fields["staff"].label = gettext_lazy("Staff member")
        # Rendered by the patient page itself (pathway/patient/page.html), not crispy-forms.

    def validate_unique(self):
        # The patient is set on the instance, not typed into the form, so Django's own check leaves the
        # (patient, staff, role) constraint out; check it here so a repeat is a message, not a server error.
        try:
            self.instance.validate_constraints()
        except forms.ValidationError:
            self.add_error("staff", gettext("This person already has that role on the care team."))


def language_choices():
    """A staff member's language: blank follows the browser; each language named in its own words."""
    return [("", gettext_lazy("The browser's language")), *settings.LANGUAGES]


class StaffMemberForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        choices=Role.choices, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Pick every role this person holds at the clinic."),
    )

    class Meta:
        model = StaffMember
        fields = ["username", "first_name", "last_name", "email", "job_title", "phone", "language"]

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.instance.clinic = clinic
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True
        if self.instance.pk:
            self.initial["roles"] = list(self.instance.roles)
        self.fields["language"].choices = language_choices()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def save(self, commit=True):
        staff = super().save(commit=commit)
        if commit:
            staff.set_roles(self.cleaned_data["roles"])
        return staff


class LanguageForm(forms.ModelForm):
    """A staff member's own choice of language for the pages they see."""

    class Meta:
        model = StaffMember
        fields = ["language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()
        self.helper = FormHelper()
        self.helper.form_tag = False


class NewStaffMemberForm(SetPasswordMixin, StaffMemberForm):
    """A new account, with an initial password the admin passes on to the staff member."""

    password1, password2 = SetPasswordMixin.create_password_fields()

    def clean(self):
        self.validate_passwords()
        return super().clean()

    def _post_clean(self):
        super()._post_clean()
        self.validate_password_for_user(self.instance)

    def save(self, commit=True):
        self.instance.set_password(self.cleaned_data["password1"])
        return super().save(commit=commit)


class PatientSearchForm(forms.Form):
    SCOPE_MINE = "mine"
    SCOPE_ALL = "all"

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "Name or MRN"}))
    dob = FilterDateField(label=gettext_lazy("Date of birth"), required=False)
    scope = forms.ChoiceField(
        choices=[(SCOPE_MINE, "My patients"), (SCOPE_ALL, "All clinic patients")], required=False,
    )


class TwoFactorRuleForm(forms.Form):
    """Mixed into a Clinic model form that edits ``require_two_factor`` (the clinic security page, Django admin):
    making two-factor optional needs a reason, recorded with who and when by ``Clinic.set_two_factor_rule``.
    ``two_factor_rule_by`` is the person saving."""

    # Not the model field's name: the model form must not copy it onto the clinic (the rule does).
    optional_two_factor_reason = forms.CharField(
        label=gettext_lazy("Why may staff sign in without two-factor?"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Needed only to turn the requirement off. It is kept with your name and the date, "
                               "and shown on the clinic's security page."),
    )
    two_factor_rule_by = None

    def clean(self):
        cleaned = super().clean()
        if "require_two_factor" in cleaned:
            try:
                self.instance.set_two_factor_rule(required=cleaned["require_two_factor"], by=self.two_factor_rule_by,
                                                  reason=cleaned.get("optional_two_factor_reason") or "")
            except ValidationError as error:
                self.add_error("optional_two_factor_reason", error.message_dict["two_factor_optional_reason"])
        return cleaned
