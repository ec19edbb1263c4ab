"""Stops 3-4: each referral as a ServiceRequest plus the Task of a closed-loop referral, and each 42 CFR
Part 2 consent as a Consent.

The Task's status follows the referral's step as the Gravity Project's SDOH Clinical Care guide models a
closed-loop referral (``codes.task_status``); the step itself, in the app's words, is the Task's
``businessStatus``, and a reason for declining or stopping is its ``statusReason``.
"""

import base64

from django.utils import timezone
from fhir.resources.R4B.attachment import Attachment
from fhir.resources.R4B.consent import Consent, ConsentPolicy, ConsentProvision, ConsentProvisionActor
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from referrals.lifecycle import CLOSED_STATUSES

from . import codes
from .datatypes import (
    clinic_ref,
    coding,
    concept,
    labelled,
    narrative,
    note,
    notes,
    part2_meta,
    patient_ref,
    period,
    program_ref,
    ref,
    resource_id,
    staff_ref,
)


def service_request_id(referral):
    return resource_id("referral", referral.pk)


def task_id(referral):
    return resource_id("referral-task", referral.pk)


def consent_id(consent):
    return resource_id("consent", consent.pk)


def referral_resources(referral, consents):
    """The ServiceRequest and Task of one referral; ``consents`` are the patient's consents for its program."""
    status = codes.task_status(referral.status, referral.reopen_to, referral.close_reason)
    closed = referral.status in CLOSED_STATUSES
    target = f"{referral.program.name}" + (f": {referral.meeting.name}" if referral.meeting_id else "")
    request = ServiceRequest(
        id=service_request_id(referral),
        meta=part2_meta(),
        status=codes.SERVICE_REQUEST_STATUS[status],
        intent="order",
        category=[concept(coding(codes.REFERRAL_CATEGORY_SYSTEM, *codes.REFERRAL_CATEGORY))],
        code=concept(coding(codes.PROGRAM_SYSTEM, referral.program.slug, referral.program.name),
                     text=f"Referral to {target}"),
        subject=patient_ref(referral.patient),
        authoredOn=referral.created_at,
        requester=staff_ref(referral.referred_by),
        performer=[program_ref(referral.program)],
        supportingInfo=[ref("Consent", consent_id(c)) for c in consents] or None,
        note=notes(
            note(labelled("Meeting", referral.meeting.name) if referral.meeting_id else ""),
            note(labelled("Why it matched", referral.match_reasons)),
        ),
    )
    task = Task(
        id=task_id(referral),
        meta=part2_meta(),
        basedOn=[ref("ServiceRequest", service_request_id(referral))],
        status=status,
        statusReason=concept(coding(codes.REFERRAL_CLOSE_REASON_SYSTEM, referral.close_reason,
                                    codes.CLOSE_REASONS[referral.close_reason])) if closed else None,
        businessStatus=concept(coding(codes.REFERRAL_STATUS_SYSTEM, referral.status,
                                      codes.REFERRAL_STATUSES[referral.status])),
        intent="order",
        code=concept(coding("http://hl7.org/fhir/CodeSystem/task-code", "fulfill", "Fulfill the focal request")),
        focus=ref("ServiceRequest", service_request_id(referral)),
        for_fhir=patient_ref(referral.patient),
        authoredOn=referral.created_at,
        lastModified=referral.status_changed_at,
        requester=staff_ref(referral.referred_by),
        owner=program_ref(referral.program),
    )
    return [request, task]


def consent_resource(consent, today=None):
    """A Part 2 consent: scope privacy, policy 42 CFR Part 2, permit from signing to expiry (or revocation),
    recipient as actor, the information covered as provision codes, the written summary attached."""
    today = today or timezone.localdate()
    state = consent.status_on(today)
    status = {consent.Status.ACTIVE: "active", consent.Status.NOT_YET: "active"}.get(state, "inactive")
    end = timezone.localdate(consent.revoked_at) if consent.revoked_at else consent.expires_on
    summary = consent.summary()
    lines = [
        summary,
        labelled("What exactly may be shared", consent.information_detail),
        labelled("Or ends earlier when", consent.expiry_event),
        labelled("Revoked", f"{timezone.localdate(consent.revoked_at):%B %-d, %Y}. {consent.revocation_note}".strip()
                 if consent.revoked_at else ""),
    ]
    return Consent(
        id=consent_id(consent),
        meta=part2_meta(),
        text=narrative(lines),
        status=status,
        scope=concept(coding(codes.CONSENT_SCOPE, "patient-privacy", "Privacy Consent")),
        category=[concept(coding(codes.V3_ACT_CODE, "IDSCL", "information disclosure"))],
        patient=patient_ref(consent.patient),
        dateTime=consent.signed_on,
        performer=[patient_ref(consent.patient)],
        organization=[clinic_ref(consent.patient.clinic)],
        sourceAttachment=Attachment(contentType="text/plain; charset=utf-8", title="Summary of the consent",
                                    data=base64.b64encode(summary.encode("utf-8"))),
        policy=[ConsentPolicy(authority=codes.PART2_POLICY_URI, uri=codes.PART2_POLICY_URI)],
        policyRule=concept(coding(codes.V3_ACT_CODE, "42CFRPart2", "42 CFR Part2")),
        provision=ConsentProvision(
            type="permit",
            period=period(consent.signed_on, end),
            actor=[
                ConsentProvisionActor(role=concept(coding(codes.V3_PARTICIPATION, "IRCP", "information recipient")),
                                      reference=program_ref(consent.program).model_copy(
                                          update={"display": consent.recipient_name})),
                ConsentProvisionActor(role=concept(coding(codes.V3_PARTICIPATION, "CST", "custodian"),
                                                   text=consent.disclosing_party),
                                      reference=clinic_ref(consent.patient.clinic)),
            ],
            purpose=[coding(codes.CONSENT_PURPOSE_SYSTEM, *codes.CONSENT_PURPOSE)],
            code=[concept(coding(codes.INFORMATION_CATEGORY_SYSTEM, category, codes.INFORMATION_CATEGORIES[category]))
                  for category in consent.information_categories if category in codes.INFORMATION_CATEGORIES]
            or None,
        ),
    )
