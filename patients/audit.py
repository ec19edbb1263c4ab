"""The audit trail of patient data: every page that shows a patient's data and every change.

``PatientAuditMiddleware`` records one entry per successful request to a URL that names a patient
(``public_id`` in the URL). What the entry says follows from the URL name and method:

* GET of a URL whose name ends in ``print``, or of another sheet made for printing (``PRINTED_SHEETS``) → print;
  ``export`` → export; otherwise → view;
* a POST answered with a redirect (the way every form here says "saved") → change, or delete for URL names
  containing ``remove`` or ``delete``;
* a POST answered with a page (the form shown again with its mistakes) or refused with an error message (e.g.
  "The page was out of date", then a redirect) → view, with the detail "nothing saved": the record was read,
  not changed.

Views record what the URL cannot tell (a patient being created, a disclosure) with ``record()``.
Pages that list patients (the patient list, home, each work queue's page, *Plans due*, the case manager's queue,
the emergency-access review, the audit trail) wear ``@lists_patients("…")``: one view entry without a patient
per successful GET.
"""

from functools import wraps

from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.utils.module_loading import import_string

from .models import AuditAction, AuditEntry

NOT_SAVED = "nothing saved"


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


#: Pages laid out as a sheet to print (the first-meeting handout, the referral letter, the accounting of
#: disclosures) whose URL names do not end in ``print``.
PRINTED_SHEETS = frozenset({"handout", "letter", "accounting"})


def action_for(request, response=None):
    name = request.resolver_match.url_name or ""
    if request.method in ("GET", "HEAD"):
        if name.endswith("print") or name in PRINTED_SHEETS:
            return AuditAction.PRINT
        if name.endswith("export"):
            return AuditAction.EXPORT
        return AuditAction.VIEW
    if response is not None and (not 300 <= response.status_code < 400 or _refused(request)):
        return AuditAction.VIEW  # the form came back, or the view said no: nothing was saved
    if "remove" in name or "delete" in name:
        return AuditAction.DELETE
    return AuditAction.CHANGE


def _refused(request):
    """Whether the view said no with an error message (``messages.error``) before redirecting. Read from the
    messages queued in this request (this middleware runs inside Django's message middleware)."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", ())
    return any(message.level >= message_levels.ERROR for message in queued)


def lists_patients(detail):
    """Mark a view as a page that names several patients: each successful GET writes one view entry, without a
    patient, saying which list (``detail``)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if request.method == "GET" and response.status_code == 200:
                record(request, AuditAction.VIEW, detail=detail)
            return response

        return wrapper

    return decorator


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
            action = action_for(request, response)
            sent_back = request.method not in ("GET", "HEAD") and action == AuditAction.VIEW
            record(request, action, patient_public_id=public_id, detail=NOT_SAVED if sent_back else "")
        return response
