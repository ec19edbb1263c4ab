from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.utils.translation import gettext_lazy as _

from patients.forms import TwoFactorRuleForm
from patients.models import Clinic

from . import limits


class _Helped:
    def _add_helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = False


class CodeForm(_Helped, forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=20, strip=True,
        help_text=_("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
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
        label=_("Your password"), strip=False,
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


class SlowGuessingMixin:
    """For a login form: a login for an account that had many wrong passwords waits first (``limits``); every
    wrong password counts for the account, and a right one clears the count and remembers the browser."""

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if username:
            wait = limits.seconds_to_wait(self.request, username)
            if wait:
                raise forms.ValidationError(limits.wait_message(wait), code="account_slowed")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            # A locked-out attempt (django-axes) was refused before its password was checked: it does not count.
            if username and not getattr(self.request, "axes_locked_out", False):
                limits.record_failure(username)
            raise
        if username:
            limits.record_success(self.request, username)
        return cleaned


class LoginForm(SlowGuessingMixin, AuthenticationForm):
    pass


class AdminLoginForm(SlowGuessingMixin, AdminAuthenticationForm):
    pass


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset form, with a limit on requests per address and per e-mail address (``limits``)."""

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self):
        email = self.cleaned_data["email"]
        refused = limits.password_reset_refused(self.request, email)
        if refused:
            raise forms.ValidationError(refused, code="too_many_resets")
        return email
