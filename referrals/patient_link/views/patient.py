"""The patient's own pages: no login, a token in the address. Every use is an audit entry; wrong, expired and
revoked tokens all get the same "This link is no longer active" page with the same status code."""

from csp.constants import NONE, SELF
from csp.decorators import csp
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from patients.audit import client_ip, record_without_staff
from patients.languages import patient_material
from patients.models import AuditAction, AuditActor

from ...support.handout import handout_for
from ..calendar import calendar_file
from ..forms import AnswerForm
from ..limits import note_miss, over_limit
from ..services import note_use, open_link, record_answer

#: The same answer for a token that is unknown, expired or revoked: nothing tells whether a patient exists.
NOT_ACTIVE_STATUS = 404

#: Stricter than the staff pages: no scripts at all, no data: images, nothing from anywhere else.
PATIENT_PAGE_CSP = {
    "default-src": [NONE], "style-src": [SELF], "img-src": [SELF], "font-src": [SELF], "form-action": [SELF],
    "frame-ancestors": [NONE], "base-uri": [NONE],
}


def _private(response):
    """No search engine lists it; no address (with its token) goes to another site when a link is followed
    (``same-origin``: not ``no-referrer``, with which browsers send ``Origin: null`` and the answer form would fail
    its CSRF check)."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def _not_active(request):
    return _private(render(request, "patient_link/not_active.html", status=NOT_ACTIVE_STATUS))


def _too_many(request):
    return _private(render(request, "patient_link/too_many.html", status=429))


def _audit(request, link, action, what):
    record_without_staff(actor_kind=AuditActor.PATIENT, patient=link.referral.patient, action=action, what=what,
                         ip_address=client_ip(request))


def _link_or_refusal(request, token):
    if over_limit(request):
        return None, _too_many(request)
    link = open_link(token)
    if link is None:
        note_miss(request)
        return None, _not_active(request)
    return link, None


@csp(PATIENT_PAGE_CSP)
@require_http_methods(["GET", "POST"])
def patient_page(request, token):
    link, refusal = _link_or_refusal(request, token)
    if refusal:
        return refusal
    patient = link.referral.patient
    now = timezone.now()
    can_answer = link.answered_at is None and link.meeting_is_over(now)
    with patient_material(patient) as material, timezone.override(patient.clinic.time_zone):
        form = AnswerForm(request.POST if request.method == "POST" and can_answer else None)
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_bound and form.is_valid():
                data = form.cleaned_data
                try:
                    record_answer(link, went=data["went"] == "yes", felt_welcome=data["felt_welcome"],
                                  comment=data["comment"], now=now)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    note_use(link, now)
                    _audit(request, link, AuditAction.CHANGE, "personal link: answered “Did you go?”")
                    return _private(redirect("referrals:patient_link", token=token))
        note_use(link, now)
        _audit(request, link, AuditAction.VIEW, "personal link: page")
        referral = link.referral
        meeting = link.meeting
        plans = [p for p in referral.first_meeting_plans.select_related("companion") if p.is_planned]
        response = render(request, "patient_link/page.html", {
            "link": link, "referral": referral, "program": referral.program, "meeting": meeting,
            "clinic": patient.clinic, "form": form if can_answer else None,
            "answered": link.answered_at is not None, "answer": link.answer,
            "meeting_over": link.meeting_is_over(now),
            "companions": [{"first_name": p.companion.first_name, "meet_at": p.meet_at} for p in plans],
            "handout": handout_for(referral), "token": token,
        }, status=status)
    response["Content-Language"] = material.code  # as <html lang>; LocaleMiddleware keeps a header already set
    return _private(response)


@csp(PATIENT_PAGE_CSP)
@require_GET
def patient_calendar(request, token):
    link, refusal = _link_or_refusal(request, token)
    if refusal:
        return refusal
    with patient_material(link.referral.patient):
        content = calendar_file(link)
    if content is None:
        return _not_active(request)
    note_use(link)
    _audit(request, link, AuditAction.EXPORT, "personal link: calendar file")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meeting.ics"'
    return _private(response)
