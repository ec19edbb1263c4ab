from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from patients.forms import TwoFactorRuleForm
from patients.models import Clinic


class _Helped:
    def _add_helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = False


class CodeForm(_Helped, forms.Form):
    code = forms.CharField(
        label="Code", max_length=20, strip=True,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false",
                                      "autocapitalize": "off"}),
    )

    def __init__(self, *args, app_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if app_only:
            self.fields["code"].help_text = "The 6-digit code your authenticator app shows now."
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
        self._add_helper()


class PasswordConfirmForm(_Helped, forms.Form):
    password = forms.CharField(
        label="Your password", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_helper()


class ClinicSecurityForm(_Helped, TwoFactorRuleForm, forms.ModelForm):
    """The clinic's security rules; making two-factor optional needs a reason (``TwoFactorRuleForm``)."""

    class Meta:
        model = Clinic
        fields = ["require_two_factor", "limit_to_caseload"]

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.two_factor_rule_by = by
        self._add_helper()
        self.helper.layout = Layout("require_two_factor", "optional_two_factor_reason", "limit_to_caseload")
