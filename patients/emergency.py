"""Emergency access ("break the glass") when a clinic limits staff to their caseload.

The rule of who sees which patient stays in ``PatientQuerySet.visible_to``: a current grant made here is
one of the things it looks at. ``Patient.objects.get_visible_or_404`` raises ``OutsideCaseload`` for a
patient of the user's own clinic outside their caseload; ``EmergencyAccessMiddleware`` answers that with
the page where the staff member states why they need the record. Another clinic's patient stays a 404.
"""

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import AuditAction, EmergencyAccess, OutsideCaseload

REASON_MIN_LENGTH = 20
REASON_MAX_LENGTH = 1000


def access_duration():
    return datetime.timedelta(hours=settings.EMERGENCY_ACCESS_HOURS)


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need this record now?"),
        min_length=REASON_MIN_LENGTH, max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"At least {REASON_MIN_LENGTH} characters, e.g. “covering for the patient's clinician, "
                  "patient in crisis at the front desk”. Your clinic admin reads every reason.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < REASON_MIN_LENGTH:
            raise forms.ValidationError(_("Say a little more: at least %(REASON_MIN_LENGTH)s characters.")
                                        % {"REASON_MIN_LENGTH": REASON_MIN_LENGTH})
        return reason


def grant(request, patient, reason, now=None):
    """Give ``request.user`` access to ``patient`` for ``EMERGENCY_ACCESS_HOURS`` and audit the reason."""
    user = request.user
    if patient.clinic_id != user.clinic_id:  # callers pass a patient from OutsideCaseload; be sure anyway
        raise PermissionDenied("Not a patient of your clinic.")
    now = now or timezone.now()
    with transaction.atomic():
        access = EmergencyAccess.objects.create(
            clinic_id=user.clinic_id, staff=user, patient=patient, reason=reason, granted_at=now,
            expires_at=now + access_duration(), ip_address=audit.client_ip(request),
        )
        audit.record(request, AuditAction.EMERGENCY_ACCESS, patient=patient, detail=reason)
    return access


def end(access, by, now=None):
    """A clinic admin ends a grant early (the grant and its reason stay listed)."""
    if access.ended_at is None:
        access.ended_at = now or timezone.now()
        access.ended_by = by
        access.save(update_fields=["ended_at", "ended_by"])
    return access


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if (target and target.startswith("/")
            and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())):
        return target
    return default


def break_the_glass_page(request, patient, form=None, next_url=None, status=200):
    return render(request, "patients/emergency_access.html", {
        "patient": patient,
        "form": form or EmergencyAccessForm(),
        "next": next_url or patient.get_absolute_url(),
        "hours": settings.EMERGENCY_ACCESS_HOURS,
    }, status=status)


class EmergencyAccessMiddleware:
    """Answer ``OutsideCaseload`` with the "break the glass" page (403: nothing was shown or saved)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OutsideCaseload):
            return None
        # Come back to the page asked for; after a refused POST, to the patient's page.
        next_url = request.get_full_path() if request.method == "GET" else exception.patient.get_absolute_url()
        if next_url == reverse("patients:emergency_access", args=[exception.patient.public_id]):
            next_url = exception.patient.get_absolute_url()
        return break_the_glass_page(request, exception.patient, next_url=next_url, status=403)
