"""The audit trail of patient data: every page that shows a patient's data and every change.

``PatientAuditMiddleware`` records one entry per successful request to a URL that names a patient
(``public_id`` in the URL). What the entry says follows from the URL name and method:

* GET of a URL whose name ends in ``print`` → print; ``export`` → export; otherwise → view;
* a POST that succeeds (2xx/3xx) → change, or delete for URL names containing ``remove`` or ``delete``.

Views record what the URL cannot tell (a patient being created, a disclosure) with ``record()``.
Lists that show several patients record one view entry without a patient.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .models import AuditAction, AuditEntry

LIST_URL_NAMES = {"patients:list"}


def client_ip(request):
    """The request's address, by the site's one client-address function (``CLIENT_IP_CALLABLE``, which knows
    whether a proxy is in front). Named in settings because this app may not import the security app."""
    return import_string(settings.CLIENT_IP_CALLABLE)(request)


def record(request, action, *, patient=None, patient_public_id=None, what=None, detail="", clinic_id=None):
    """Write one audit entry for the logged-in staff member, in the trail of their clinic, or of ``clinic_id``
    (the patient's clinic, for site administrators working in Django admin, who may belong to none)."""
    user = request.user
    if not user.is_authenticated:
        return None
    clinic_id = clinic_id or user.clinic_id
    if clinic_id is None:
        return None
    match = getattr(request, "resolver_match", None)
    request._audit_recorded = True
    return AuditEntry.objects.create(
        clinic_id=clinic_id,
        actor=user,
        patient_public_id=patient.public_id if patient is not None else patient_public_id,
        action=action,
        what=(what or (match.view_name if match else request.path))[:120],
        ip_address=client_ip(request),
        detail=detail[:300],
    )


def record_without_staff(*, actor_kind, patient, action, what, detail="", ip_address=None):
    """Write one audit entry in the trail of ``patient``'s clinic for something no staff member did: the patient
    using their personal link (``AuditActor.PATIENT``) or a reminder sent automatically (``AuditActor.AUTOMATIC``).
    ``what`` names the page or message, never patient data."""
    return AuditEntry.objects.create(clinic_id=patient.clinic_id, actor=None, actor_kind=actor_kind,
                                     patient_public_id=patient.public_id, action=action, what=what[:120],
                                     ip_address=ip_address, detail=detail[:300])


def action_for(request):
    name = request.resolver_match.url_name or ""
    if request.method in ("GET", "HEAD"):
        if name.endswith("print"):
            return AuditAction.PRINT
        if name.endswith("export"):
            return AuditAction.EXPORT
        return AuditAction.VIEW
    if "remove" in name or "delete" in name:
        return AuditAction.DELETE
    return AuditAction.CHANGE


class PatientAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or response.status_code >= 400 or getattr(request, "_audit_recorded", False):
            return response
        public_id = match.kwargs.get("public_id")
        if public_id is not None:
            record(request, action_for(request), patient_public_id=public_id)
        elif match.view_name in LIST_URL_NAMES and request.method == "GET":
            record(request, AuditAction.VIEW, detail="patient list")
        return response
