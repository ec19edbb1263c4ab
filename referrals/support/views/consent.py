"""42 CFR Part 2: recording and revoking consents, referral letters as logged disclosures, the accounting."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients.access import clinic_staff_required, patient_for_request
from patients.audit import record
from patients.languages import patient_material
from patients.models import AuditAction
from patients.request_input import id_or_404

from ..consent_copy import copy_for
from ..forms import ConsentForm, LetterForm, OutsideDisclosureForm, RevokeConsentForm
from ..models import Consent, Disclosure, Referral
from ..models.consent import ACCOUNTING_YEARS, part2_notice, record_disclosure
from ..services import disclose_by_letter
from .referrals import care_role_required, visible_referral


@care_role_required
def consent_new(request, public_id):
    patient = patient_for_request(request, public_id)
    program = id_or_404(request.GET.get("program"), "program")
    # Read before anything is saved: a malformed id is a 404, not a consent saved and then an error.
    next_referral = id_or_404(request.GET.get("referral"), "referral")
    form = ConsentForm(request.POST or None, patient=patient, initial={"program": program} if program else {})
    if request.method == "POST":
        form.instance.recorded_by = request.user
        if form.is_valid():
            consent = form.save()
            recorded = _("Consent to share with %(recipient_name)s recorded. Print the patient's copy for them to "
                         "sign and keep.")
            messages.success(request, recorded % {"recipient_name": consent.recipient_name})
            if next_referral and Referral.objects.filter(patient=patient, pk=next_referral).exists():
                return redirect("referrals:letter", patient.public_id, next_referral)
            return redirect("referrals:consent_detail", patient.public_id, consent.pk)
    return render(request, "referrals/consent_form.html", {"patient": patient, "form": form},
                  status=400 if request.method == "POST" else 200)


def _consent(patient, pk):
    return get_object_or_404(Consent.objects.select_related("program", "recorded_by", "revoked_by"),
                             pk=pk, patient=patient)


def _consent_page(request, patient, consent, disclose_form=None, status=200):
    return render(request, "referrals/consent_detail.html", {
        "patient": patient, "consent": consent, "revoke_form": RevokeConsentForm(consent=consent),
        "disclose_form": disclose_form or OutsideDisclosureForm(),
        "disclosures": list(consent.disclosures.select_related("disclosed_by")),
    }, status=status)


def log_disclosure(request, patient, disclosure):
    """The audit trail names the disclosure (which record, to which organisation), never what was shared."""
    record(request, AuditAction.DISCLOSE, patient=patient, what="disclosure",
           detail=f"disclosure {disclosure.pk} to {disclosure.recipient_name} ({disclosure.get_method_display()})")


@clinic_staff_required
def consent_detail(request, public_id, pk):
    patient = patient_for_request(request, public_id)
    return _consent_page(request, patient, _consent(patient, pk))


@clinic_staff_required
def consent_print(request, public_id, pk):
    """The patient's copy of the consent, to read, sign and keep: in the patient's language (patients/languages.py),
    whatever the staff member's. Its URL name ends in "print", so the audit trail records a print."""
    patient = patient_for_request(request, public_id)
    consent = _consent(patient, pk)
    with patient_material(patient) as material:
        copy = copy_for(consent)
    return render(request, "referrals/consent_print.html", {
        "patient": patient, "consent": consent, "copy": copy, "clinic": patient.clinic, "material": material,
        "notice": part2_notice(), "accounting_years": ACCOUNTING_YEARS,
    })


@care_role_required
@require_POST
def consent_disclose(request, public_id, pk):
    """Log a disclosure made outside the product (phone, e-mail, fax, in person) under this consent."""
    patient = patient_for_request(request, public_id)
    consent = _consent(patient, pk)
    form = OutsideDisclosureForm(request.POST, consent=consent)
    if form.is_valid():
        try:
            disclosure = record_disclosure(
                consent, by=request.user, information=form.cleaned_data["information"],
                method=form.cleaned_data["method"], disclosed_at=form.cleaned_data["disclosed_at"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            log_disclosure(request, patient, disclosure)
            messages.success(request, _("Disclosure to %(recipient_name)s logged in the accounting.")
                                      % {"recipient_name": disclosure.recipient_name})
            return redirect("referrals:consent_detail", patient.public_id, consent.pk)
    return _consent_page(request, patient, consent, disclose_form=form, status=400)


@care_role_required
@require_POST
def consent_revoke(request, public_id, pk):
    patient = patient_for_request(request, public_id)
    consent = get_object_or_404(Consent, pk=pk, patient=patient)
    form = RevokeConsentForm(request.POST, consent=consent)
    if form.is_valid():
        try:
            consent.revoke(request.user, received_as=form.cleaned_data["received_as"],
                           received_on=form.cleaned_data["received_on"], note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Consent revoked. Nothing more will be shared under it; "
                                      "earlier disclosures stay in the accounting."))
            return redirect("referrals:consent_detail", patient.public_id, consent.pk)
    consent = _consent(patient, pk)
    return render(request, "referrals/consent_detail.html", {
        "patient": patient, "consent": consent, "revoke_form": form, "disclose_form": OutsideDisclosureForm(),
        "disclosures": list(consent.disclosures.select_related("disclosed_by")),
    }, status=400)


# Referral letter to an outside organisation (patient information: needs consent) ---------------
def _letter_context(patient, referral, consents, form):
    return {"patient": patient, "referral": referral, "consents": consents, "form": form,
            "notice": part2_notice()}


@care_role_required
def letter(request, public_id, pk):
    """Produce a referral letter: refused without an active consent for this program; logged as a disclosure."""
    patient = patient_for_request(request, public_id)
    referral = visible_referral(patient, pk, Referral.objects.with_history())
    consents = [c for c in Consent.objects.filter(patient=patient, program_id=referral.program_id)
                if c.is_active]
    consent_qs = Consent.objects.filter(pk__in=[c.pk for c in consents])
    form = LetterForm(request.POST or None, consents=consent_qs)
    if request.method == "POST":
        if not consents:
            return render(request, "referrals/letter_confirm.html",
                          _letter_context(patient, referral, consents, form), status=403)
        if form.is_valid():
            try:
                disclosure = disclose_by_letter(referral, consent=form.cleaned_data["consent"], by=request.user)
            except ValidationError as error:
                form.add_error("consent", error)
            else:
                log_disclosure(request, patient, disclosure)
                messages.success(request, _("Disclosure to %(recipient_name)s logged. Print the letter below.")
                                          % {"recipient_name": disclosure.recipient_name})
                return redirect("referrals:disclosure_letter", patient.public_id, disclosure.pk)
    return render(request, "referrals/letter_confirm.html", _letter_context(patient, referral, consents, form),
                  status=400 if request.method == "POST" else 200)


@clinic_staff_required
def disclosure_letter(request, public_id, pk):
    patient = patient_for_request(request, public_id)
    disclosure = get_object_or_404(
        Disclosure.objects.select_related("consent", "disclosed_by", "referral__program", "referral__meeting"),
        pk=pk, patient=patient)
    rows = [line.split(": ", 1) for line in disclosure.information.splitlines() if ": " in line]
    revoked = disclosure.consent.revoked_at
    if revoked is not None:
        # Re-opening what was shared under a consent the patient has since revoked is an entry of its own.
        record(request, AuditAction.VIEW, patient=patient, what="disclosure letter",
               detail=f"disclosure {disclosure.pk} to {disclosure.recipient_name} re-opened after the consent "
                      f"was revoked ({timezone.localtime(revoked):%Y-%m-%d})")
    return render(request, "referrals/letter.html", {
        "patient": patient, "disclosure": disclosure, "rows": rows, "clinic": patient.clinic,
    })


@clinic_staff_required
def accounting(request, public_id):
    patient = patient_for_request(request, public_id)
    disclosures = (Disclosure.objects.filter(patient=patient).for_accounting()
                   .select_related("consent", "disclosed_by"))
    return render(request, "referrals/accounting.html", {
        "patient": patient, "disclosures": disclosures, "years": ACCOUNTING_YEARS, "clinic": patient.clinic,
    })
