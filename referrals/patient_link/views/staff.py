"""Staff pages of a referral's personal link: give one (printed with a QR code, or sent), and revoke it."""

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients import audit
from patients.access import patient_for_request, role_required
from patients.languages import material_language
from patients.models import AuditAction

from ...support.lead import CARE_ROLES
from ...support.models import Referral
from ..forms import GiveLinkForm
from ..models import LinkDelivery, PatientLink
from ..services import agreed_channel, give_link, link_days, revoke_link

care_role_required = role_required(*CARE_ROLES)


def qr_code_data_uri(text):
    """``text`` as an SVG QR code, drawn here (nothing leaves the server)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _referral(patient, pk):
    return get_object_or_404(Referral.objects.select_related("program", "meeting").prefetch_related(
        "first_meeting_plans__meeting", "first_meeting_plans__companion"), pk=pk, patient=patient)


@care_role_required
def patient_link_give(request, public_id, pk):
    """Give the patient a personal link; the page that makes it shows the link and its QR code, once."""
    patient = patient_for_request(request, public_id)
    referral = _referral(patient, pk)
    channel = agreed_channel(patient)
    form = GiveLinkForm(request.POST or None, patient=patient, channel=channel)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                given = give_link(referral, by=request.user, delivery=data["delivery"],
                                  reminders=data.get("reminders", False), request=request)
            except ValidationError as error:
                for field, errors in getattr(error, "error_dict", {None: error.error_list}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                how = LinkDelivery(data["delivery"]).label.lower()
                audit.record(request, AuditAction.SEND if given.sent_by else AuditAction.PRINT, patient=patient,
                             detail=f"personal link for referral {referral.pk} ({how})")
                return render(request, "referrals/patient_link_given.html", {
                    "patient": patient, "referral": referral, "given": given, "link": given.link,
                    "qr_code": qr_code_data_uri(given.url), "material": material_language(patient),
                })
    return render(request, "referrals/patient_link_give.html", {
        "patient": patient, "referral": referral, "form": form, "channel": channel, "days": link_days().days,
    }, status=status)


@care_role_required
@require_POST
def patient_link_revoke(request, public_id, pk, link_pk):
    patient = patient_for_request(request, public_id)
    referral = _referral(patient, pk)
    link = get_object_or_404(PatientLink, pk=link_pk, referral=referral)
    try:
        revoke_link(link, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The personal link is revoked: it no longer opens the patient's page."))
    return redirect("referrals:referral_detail", patient.public_id, referral.pk)
