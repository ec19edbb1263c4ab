"""Code systems, codes and status maps of the FHIR export.

Standard codes come from the systems named below. Where no standard code says what the app means
(where a goal came from, a referral's own step, the kinds of information a Part 2 consent covers), the
export uses a code system of the app's own under ``APP_SYSTEM_BASE``. ``.invalid`` is a top-level name
reserved never to resolve (RFC 2606), so these URIs cannot clash with anyone else's; they are fixed for
the product (not per deployment) so the same code means the same thing from every clinic.
"""

from patients.models import GoalSource, GoalStatus, Medication, MedicationStatus, Therapy
from referrals.lifecycle import CloseReason, ReferralStatus
from referrals.models import InformationCategory
from wellness.models import WellnessDimension, WellnessGoal

APP_SYSTEM_BASE = "https://maud-pathways.invalid/fhir"


def app_system(name):
    """The URI of one of the app's own code systems, e.g. ``app_system("goal-source")``."""
    return f"{APP_SYSTEM_BASE}/CodeSystem/{name}"


def app_naming_system(name):
    """The URI of one of the app's own identifier systems."""
    return f"{APP_SYSTEM_BASE}/NamingSystem/{name}"


# Standard systems -------------------------------------------------------------------------------

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
V3_PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
V3_DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
PROVENANCE_AGENT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
URI_IDENTIFIER = "urn:ietf:rfc:3986"

#: The regulation itself, as the Consent's policy authority and URI.
PART2_POLICY_URI = "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2"

# RxNorm ingredient-level concepts (term type IN) of the MAUD medications. Checked 2026-11 against public
# copies of RxNorm, as NLM's RxNav could not be reached from the build machine:
# - naltrexone 7243: CPIC's drug table, github.com/cpicpgx/cpic-schema drug.sql ("RxNorm:7243 naltrexone");
# - acamprosate 82819: a public RxNorm ingredient list giving it with term type "IN";
# - disulfiram 3554: a public drug-target script listing "disulfiram % rxcui:3554" beside other
#   ingredient RxCUIs that check out (paclitaxel 56946, azacitidine 1251, erlotinib 337525);
# - gabapentin 25480: several public RxNorm ingredient lists (e.g. with UMLS CUI C0060926);
# - topiramate 38404: one public medication data set ("Topiramate", rxcui "38404"); the weakest check,
#   so confirm it against the RxNorm release in use before relying on it.
# Oral and extended-release naltrexone share the ingredient code; the form is in the app's own coding.
RXNORM_INGREDIENTS = {
    Medication.NALTREXONE_ORAL: ("7243", "naltrexone"),
    Medication.NALTREXONE_XR: ("7243", "naltrexone"),
    Medication.ACAMPROSATE: ("82819", "acamprosate"),
    Medication.DISULFIRAM: ("3554", "disulfiram"),
    Medication.TOPIRAMATE: ("38404", "topiramate"),
    Medication.GABAPENTIN: ("25480", "gabapentin"),
}

# Security labels (meta.security) on every resource: 42 CFR Part 2 information. -------------------

PART2_SECURITY_LABELS = [
    {"system": V3_CONFIDENTIALITY, "code": "R", "display": "restricted"},
    {"system": V3_ACT_CODE, "code": "ETH", "display": "substance abuse information sensitivity"},
    {"system": V3_ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"},
    {"system": V3_ACT_CODE, "code": "NORDSCLCD",
     "display": "no redisclosure without consent directive"},
]
#: The notice every export carries: the § 2.32(a) statement the installation gives with disclosures, verbatim
#: (setting PART2_NOTICE; ``referrals.support.models.consent.part2_notice``).
#: The notice itself travels as a tag of the app's own (a security label's display must stay the code's name).
PART2_NOTICE_SYSTEM = app_system("disclosure-notice")
PART2_NOTICE_CODE = "42cfr-part2"

# Treatment plan (Stop 1) ------------------------------------------------------------------------

MEDICATION_STATEMENT_STATUS = {
    MedicationStatus.CONSIDERING: "intended",
    MedicationStatus.STARTED: "active",
    MedicationStatus.PAUSED: "on-hold",
    MedicationStatus.STOPPED: "stopped",
}
CAREPLAN_ACTIVITY_STATUS = {
    MedicationStatus.CONSIDERING: "not-started",
    MedicationStatus.STARTED: "in-progress",
    MedicationStatus.PAUSED: "on-hold",
    MedicationStatus.STOPPED: "stopped",
}
PLAN_GOAL_LIFECYCLE = {GoalStatus.ACTIVE: "active", GoalStatus.MET: "completed", GoalStatus.DROPPED: "cancelled"}
WELLNESS_GOAL_LIFECYCLE = {
    WellnessGoal.Status.WORKING_ON_IT: "active",
    WellnessGoal.Status.REACHED: "completed",
    WellnessGoal.Status.SET_ASIDE: "on-hold",
}

#: Where a goal came from: the plan's own sources plus "the patient's own wellness goal".
GOAL_SOURCE_SYSTEM = app_system("goal-source")
WELLNESS_GOAL_SOURCE = ("wellness_plan", "The patient's own wellness-plan goal")
GOAL_SOURCES = {**dict(GoalSource.choices), WELLNESS_GOAL_SOURCE[0]: WELLNESS_GOAL_SOURCE[1]}

MEDICATION_SYSTEM = app_system("maud-medication")
THERAPY_SYSTEM = app_system("behavioral-therapy")
PLAN_SUPPORT_SYSTEM = app_system("plan-support")
PLAN_SUPPORTS = {"peer_support": "Peer support", "mutual_support": "Mutual-support groups"}
CAREPLAN_CATEGORY_SYSTEM = app_system("care-plan-category")
CAREPLAN_CATEGORIES = {"treatment": "Treatment plan (MAUD)", "wellness": "Wellness plan"}
WELLNESS_DIMENSION_SYSTEM = app_system("wellness-dimension")
MEDICATIONS = dict(Medication.choices)
THERAPIES = dict(Therapy.choices)
WELLNESS_DIMENSIONS = dict(WellnessDimension.choices)

# Recovery capital (Stop 2) ----------------------------------------------------------------------

RECOVERY_CAPITAL_SCORE_SYSTEM = app_system("recovery-capital-score")
RECOVERY_CAPITAL_GAP_SYSTEM = app_system("recovery-capital-gap")

# Referrals (Stops 3-4) --------------------------------------------------------------------------

REFERRAL_STATUS_SYSTEM = app_system("referral-status")
REFERRAL_CLOSE_REASON_SYSTEM = app_system("referral-close-reason")
PROGRAM_SYSTEM = app_system("mutual-support-program")
PROGRAM_IDENTIFIER_SYSTEM = app_naming_system("mutual-support-program")
ORGANIZATION_TYPE_SYSTEM = app_system("organization-type")
REFERRAL_CATEGORY_SYSTEM = app_system("service-request-category")
REFERRAL_CATEGORY = ("mutual-support-referral", "Referral to a mutual-support group")
REFERRAL_STATUSES = dict(ReferralStatus.choices)
CLOSE_REASONS = dict(CloseReason.choices)

#: Closed-loop referral (Gravity Project SDOH Clinical Care): the Task the receiving side moves, and
#: the ServiceRequest it fulfils. Not yet sent (suggested, discussed): both are drafts. Sent: requested.
#: The first meeting attended: in progress. Engaged: completed. Declined by the patient, or stopped
#: before engaging: cancelled; declined because the group did not welcome medication: rejected (the
#: group's side refused the patient as they are). Stopped after engaging: the loop had closed (completed).
#: "accepted" is never sent: mutual-support groups take no referrals in this app; attending is the answer.
TASK_STATUS = {
    ReferralStatus.SUGGESTED: "draft",
    ReferralStatus.DISCUSSED: "draft",
    ReferralStatus.REFERRED: "requested",
    ReferralStatus.FIRST_MEETING_ATTENDED: "in-progress",
    ReferralStatus.ENGAGED: "completed",
}
SERVICE_REQUEST_STATUS = {"draft": "draft", "requested": "active", "in-progress": "active",
                          "completed": "completed", "cancelled": "revoked", "rejected": "revoked"}


def task_status(status, reopen_to="", close_reason=""):
    """The Task status of a referral in ``status`` (``reopen_to`` is the step it had reached before closing)."""
    if status in TASK_STATUS:
        return TASK_STATUS[status]
    if status == ReferralStatus.DECLINED:
        return "rejected" if close_reason == CloseReason.MEDICATION_NOT_WELCOME else "cancelled"
    # Stopped: completed if the patient had engaged, otherwise cancelled.
    return "completed" if reopen_to == ReferralStatus.ENGAGED else "cancelled"


# Part 2 consent ---------------------------------------------------------------------------------

INFORMATION_CATEGORY_SYSTEM = app_system("disclosure-information")
INFORMATION_CATEGORIES = dict(InformationCategory.choices)
CONSENT_PURPOSE_SYSTEM = app_system("disclosure-purpose")
CONSENT_PURPOSE = ("mutual-support-referral", "Referral to, and welcome at, a mutual-support group")
