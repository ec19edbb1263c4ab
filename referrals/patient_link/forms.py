"""Forms of the patient's own link: staff give a link; the patient answers "Did you go?"."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from ..followup.models import FeltWelcome
from .models import LinkDelivery

# The reminders' checkbox, by the way the link is sent (whole sentences).
REMINDERS_LABEL = {
    LinkDelivery.TEXT: _("Remind the patient the day before the meeting, and ask afterwards whether they went, "
                         "by text message"),
    LinkDelivery.EMAIL: _("Remind the patient the day before the meeting, and ask afterwards whether they went, "
                          "by e-mail"),
}

class GiveLinkForm(forms.Form):
    """How the patient gets their link: printed as a QR code, or by the contact method they agreed to."""

    delivery = forms.ChoiceField(label=_("How the patient gets it"), widget=forms.RadioSelect)
    agreed = forms.BooleanField(
        label=_("The patient agreed to get it this way"), required=False,
        help_text=_("Needed to send it by text message or e-mail."))
    reminders = forms.BooleanField(label="", required=False)

    def __init__(self, *args, patient, channel, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        choices = [(LinkDelivery.PRINTED.value, _("Print it: a QR code and the address on a page for the patient"))]
        if channel == LinkDelivery.TEXT:
            choices.append((channel.value, _("Send it by text message to %(phone)s") % {"phone": patient.phone}))
        elif channel == LinkDelivery.EMAIL:
            choices.append((channel.value, _("Send it by e-mail to %(email)s") % {"email": patient.email}))
        self.fields["delivery"].choices = choices
        self.fields["delivery"].initial = LinkDelivery.PRINTED.value
        if channel is None:
            del self.fields["agreed"], self.fields["reminders"]
        else:
            self.fields["reminders"].label = REMINDERS_LABEL[channel]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("delivery") in (LinkDelivery.TEXT, LinkDelivery.EMAIL) and not cleaned.get("agreed"):
            self.add_error("agreed", _("Send the link only when the patient agreed to get it this way."))
        return cleaned


#: What the patient may answer about feeling welcome (the follow-up's answers, in the patient's words).
WELCOME_CHOICES = [
    (FeltWelcome.YES.value, _("Yes, I felt welcome")),
    (FeltWelcome.PARTLY.value, _("Partly")),
    (FeltWelcome.NO.value, _("No, I felt judged for taking medication")),
    (FeltWelcome.DID_NOT_SAY.value, _("I'd rather not say")),
]


class AnswerForm(forms.Form):
    """The patient's two questions after the meeting."""

    went = forms.ChoiceField(label=_("Did you go?"), widget=forms.RadioSelect,
                             choices=[("yes", _("Yes, I went")), ("no", _("No, not this time"))])
    felt_welcome = forms.ChoiceField(label=_("Did you feel welcome as someone taking medication?"),
                                     widget=forms.RadioSelect, choices=WELCOME_CHOICES, required=False)
    comment = forms.CharField(label=_("Anything you'd like to tell us? (optional)"), required=False,
                              max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("went") == "yes" and not cleaned.get("felt_welcome"):
            self.add_error("felt_welcome", _("Please choose one answer (or “I'd rather not say”)."))
        return cleaned
