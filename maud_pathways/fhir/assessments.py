"""Recovery-capital assessments (Stop 2): the Questionnaire version each was taken with, the answers as a
QuestionnaireResponse, and the scores as Observations, one per domain and one for the total.

A questionnaire is exported as the definition the clinic loaded (the shipped one is the project's own
wording; a clinic's own instrument is one it is licensed to use). Its canonical URL names the
questionnaire and its version number, which never changes once loaded.
"""

from fhir.resources.R4B.observation import Observation, ObservationReferenceRange
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.questionnaire import Questionnaire, QuestionnaireItem, QuestionnaireItemAnswerOption
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)

from . import codes
from .datatypes import coding, concept, labelled, note, notes, part2_meta, patient_ref, ref, resource_id, staff_ref


def questionnaire_id(version):
    return resource_id("questionnaire", version.pk)


def questionnaire_url(version):
    questionnaire = version.questionnaire
    owner = "shared" if questionnaire.clinic_id is None else resource_id("clinic", questionnaire.clinic_id)
    return f"{codes.APP_SYSTEM_BASE}/Questionnaire/{owner}/{questionnaire.slug}"


def scale_system(version):
    return f"{questionnaire_url(version)}/{version.number}/scale"


def response_id(assessment):
    return resource_id("assessment", assessment.pk)


def domain_observation_id(assessment, domain_id):
    """The Observation of one domain's score. Domain ids may hold ``_`` (not allowed in FHIR ids), so the
    id uses the domain's place in the definition, which never changes for a loaded version."""
    for index, domain in enumerate(assessment.version.parsed.domains):
        if domain.id == domain_id:
            return f"{response_id(assessment)}-domain-{index + 1}"
    return None


def total_observation_id(assessment):
    return f"{response_id(assessment)}-total"


def score_code(version, applies_to, label):
    return concept(coding(codes.RECOVERY_CAPITAL_SCORE_SYSTEM, f"{version.questionnaire.slug}.{applies_to}", label),
                   text=label)


def questionnaire_resource(version):
    definition = version.parsed
    scale = [QuestionnaireItemAnswerOption(valueCoding=coding(scale_system(version), point, label))
             for point, label in definition.scale.choices()]
    groups = [QuestionnaireItem(
        linkId=domain.id, type="group", text=domain.label,
        item=[QuestionnaireItem(linkId=item.id, type="choice", text=item.text, required=True, answerOption=scale)
              for item in definition.items_in(domain.id)],
    ) for domain in definition.domains]
    return Questionnaire(
        id=questionnaire_id(version),
        meta=part2_meta(),
        url=questionnaire_url(version),
        version=str(version.number),
        name="".join(part.capitalize() for part in version.questionnaire.slug.split("-"))[:200],
        title=definition.name,
        status="active" if version.questionnaire.current_version_id == version.pk else "retired",
        date=version.loaded_at,
        description=definition.description or None,
        purpose=definition.instructions or None,
        copyright="\n\n".join(filter(None, [definition.source_note, definition.licence_note])) or None,
        item=groups,
    )


def assessment_resources(assessment):
    """The QuestionnaireResponse of one assessment and its score Observations."""
    version, definition = assessment.version, assessment.version.parsed
    labels = dict(definition.scale.choices())
    response = QuestionnaireResponse(
        id=response_id(assessment),
        meta=part2_meta(),
        questionnaire=f"{questionnaire_url(version)}|{version.number}",
        status="completed",
        subject=patient_ref(assessment.patient),
        authored=assessment.taken_on,
        author=staff_ref(assessment.administered_by),
        source=patient_ref(assessment.patient),
        item=[QuestionnaireResponseItem(
            linkId=domain.id, text=domain.label,
            item=[QuestionnaireResponseItem(
                linkId=item.id, text=item.text,
                answer=[QuestionnaireResponseItemAnswer(valueCoding=coding(
                    scale_system(version), assessment.answers[item.id], labels.get(assessment.answers[item.id])))]
                if item.id in assessment.answers else None,
            ) for item in definition.items_in(domain.id)],
        ) for domain in definition.domains],
    )
    observations = []
    gaps = set(assessment.gap_domains)
    for domain in definition.domains:
        low, high = definition.domain_range(domain.id)
        observations.append(_score(
            assessment, domain_observation_id(assessment, domain.id), score_code(version, domain.id, domain.label),
            assessment.domain_scores.get(domain.id), low, high, is_gap=domain.id in gaps,
            gap_rule=definition.gap_rule))
    low, high = definition.total_range
    observations.append(_score(assessment, total_observation_id(assessment),
                               score_code(version, "total", f"{definition.name}: total"), assessment.total, low, high,
                               thresholds=[t for t in definition.thresholds_for("total") if t.is_met(assessment.total)],
                               members=[o.id for o in observations]))
    return [response, *observations]


def _score(assessment, oid, code, value, low, high, *, is_gap=False, gap_rule=None, thresholds=(), members=()):
    interpretation = []
    if is_gap:
        interpretation.append(concept(coding(codes.RECOVERY_CAPITAL_GAP_SYSTEM, "gap", "Gap"),
                                      text=gap_rule.explanation if gap_rule else "Gap"))
    interpretation += [concept(text=t.label) for t in thresholds]
    return Observation(
        id=oid,
        meta=part2_meta(),
        status="final",
        category=[concept(coding(codes.OBSERVATION_CATEGORY, "survey", "Survey"))],
        code=code,
        subject=patient_ref(assessment.patient),
        effectiveDateTime=assessment.taken_on,
        performer=[staff_ref(assessment.administered_by)] if assessment.administered_by_id else None,
        valueInteger=value,
        interpretation=interpretation or None,
        referenceRange=[ObservationReferenceRange(low=Quantity(value=low), high=Quantity(value=high),
                                                  text=f"Possible scores {low} to {high}")],
        hasMember=[ref("Observation", m) for m in members] or None,
        derivedFrom=[ref("QuestionnaireResponse", response_id(assessment))],
        note=notes(note(labelled("What we talked about", assessment.notes))) if members else None,
    )
