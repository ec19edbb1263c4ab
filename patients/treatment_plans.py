"""Domain rules of the treatment plan (Stop 1): who may edit, drafts, signing, revising, comparing.

Views stay thin and call these functions; other apps (wellness, referrals, maud_pathways) use them too,
e.g. ``add_plan_goal`` to turn a recovery-capital gap into a plan goal, ``latest_signed_version`` to
read the plan in force with its entries. For lists and single facts (the plan in force, review due, on
MAUD), patient rows carry them: ``Patient.objects.with_plan_status()``, ``.due_for_plan_review()``,
``.on_maud()`` (defined with the models, in ``patients/models/treatment_plan.py``).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from .medication_safety import answer_problems, prompts_for_version
from .models import (
    GoalSource,
    GoalStatus,
    PlanAction,
    PlanActivity,
    PlanGoal,
    PlanMedication,
    PlanSafetyCheck,
    PlanTherapy,
    PlanVersion,
    SignedVersionError,
    TreatmentPlan,
)

__all__ = [
    "DraftConflict", "GoalSource", "PlanChanges", "add_plan_goal", "can_edit_plan", "compare_versions",
    "current_draft", "discard_draft", "get_or_start_draft", "latest_signed_version", "lock_draft_for_save",
    "previous_signed_version", "require_plan_editor", "revise", "sign_version", "signed_version_in_brief",
    "versions_with_entries",
]


class DraftConflict(Exception):
    """Someone else saved (or signed) the draft since this editor loaded it."""


# Who may edit -------------------------------------------------------------------------------------

def can_edit_plan(user, patient):
    """Only active clinicians of the patient's own clinic edit and sign treatment plans."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active
        and user.clinic_id is not None and user.clinic_id == patient.clinic_id and user.is_clinician
    )


def require_plan_editor(user, patient):
    if not can_edit_plan(user, patient):
        raise PermissionDenied("Only clinicians of the patient's clinic edit and sign treatment plans.")


# Reading ------------------------------------------------------------------------------------------

def versions_with_entries(queryset=None, *, safety_checks=False):
    """Versions with their medications, therapies and goals (and with ``safety_checks``, the medication safety
    answers kept when signed) loaded in a fixed number of queries."""
    qs = queryset if queryset is not None else PlanVersion.objects.all()
    qs = qs.select_related("signed_by", "updated_by", "created_by").prefetch_related(
        Prefetch("medications", queryset=PlanMedication.objects.select_related("prescriber")),
        "therapies",
        Prefetch("goals", queryset=PlanGoal.objects.select_related("added_by")),
    )
    if safety_checks:
        qs = qs.prefetch_related(Prefetch("safety_checks",
                                          queryset=PlanSafetyCheck.objects.select_related("answered_by")))
    return qs


def latest_signed_version(patient):
    """The patient's latest signed plan version, the plan in force (with its entries loaded), or None."""
    return versions_with_entries(PlanVersion.objects.of_patient(patient).latest_signed_first()).first()


def signed_version_in_brief(patient):
    """The plan in force as the patient page shows it: the version with who signed it and its medications (two
    queries), or None. ``latest_signed_version`` loads every entry with its staff, for the pages that show them."""
    # The entries of one version in the order they were added: ordered by id alone, without the default
    # ordering's join to the versions.
    return (PlanVersion.objects.of_patient(patient).latest_signed_first().select_related("signed_by")
            .prefetch_related(Prefetch("medications", queryset=PlanMedication.objects.order_by("id"))).first())


def current_draft(patient):
    return PlanVersion.objects.of_patient(patient).drafts().first()


def previous_signed_version(version):
    """The signed version a version is compared against: the latest signed one numbered below it."""
    return versions_with_entries(
        PlanVersion.objects.filter(plan_id=version.plan_id, number__lt=version.number).latest_signed_first()
    ).first()


# Changing -----------------------------------------------------------------------------------------

def _record(plan, version, action, by, at=None):
    PlanActivity.objects.create(plan=plan, version_number=version.number, action=action, by=by,
                                at=at or timezone.now())


def _new_version(plan, by, **fields):
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return PlanVersion.objects.create(plan=plan, number=number, created_by=by, updated_by=by, **fields)


def revise(signed_version, by, *, at=None):
    """Start a new draft from a signed version, carrying every entry over with its key."""
    require_plan_editor(by, signed_version.plan.patient)
    if not signed_version.is_signed:
        raise ValidationError(gettext("Only a signed version can be revised."))
    plan = signed_version.plan
    with transaction.atomic():
        if plan.versions.drafts().exists():
            raise ValidationError(gettext("A draft is already being edited; finish or discard it first."))
        fields = {name: getattr(signed_version, name) for name in (
            "drinking_goal", "drinking_goal_in_own_words", "includes_peer_support", "includes_mutual_support",
            "next_review_date", "notes",
        )}
        fields["next_review_date"] = proposed_review_date(plan.patient, fields["next_review_date"], at=at)
        draft = _new_version(plan, by, revised_from=signed_version, **fields)
        PlanMedication.objects.bulk_create([m.copy_to(draft) for m in signed_version.medications.all()])
        PlanTherapy.objects.bulk_create([t.copy_to(draft) for t in signed_version.therapies.all()])
        PlanGoal.objects.bulk_create([g.copy_to(draft) for g in signed_version.goals.all()])
        _record(plan, draft, PlanAction.REVISED, by, at)
    return draft


def proposed_review_date(patient, copied, *, at=None):
    """The next review a revision starts with: the revised version's, unless that day has passed (the plan was
    overdue); then the clinic's default interval from today (``Clinic.plan_review_days``), so that the draft can
    be signed as it is."""
    today = timezone.localdate(at) if at else timezone.localdate()
    if copied is not None and copied >= today:
        return copied
    return today + datetime.timedelta(days=patient.clinic.plan_review_days)


def get_or_start_draft(patient, by, *, at=None):
    """The patient's draft: the one being edited, else a revision of the latest signed version, else
    version 1 of a new plan. Returns ``(draft, created)``."""
    require_plan_editor(by, patient)
    with transaction.atomic():
        plan, plan_created = TreatmentPlan.objects.get_or_create(patient=patient, defaults={"created_by": by})
        draft = plan.versions.drafts().first()
        if draft is not None:
            return draft, False
        latest = latest_signed_version(patient)
        if latest is not None:
            return revise(latest, by, at=at), True
        try:
            with transaction.atomic():
                draft = _new_version(plan, by, includes_peer_support=patient.has_peer_specialist)
        except IntegrityError:  # someone else started it a moment ago
            return plan.versions.drafts().get(), False
        _record(plan, draft, PlanAction.STARTED, by, at)
        return draft, True


def lock_draft_for_save(draft, expected_lock_version, by):
    """Claim the draft for one save: refused if anyone saved or signed it since ``expected_lock_version``.

    Call inside ``transaction.atomic`` before saving the forms; the check-and-bump is one UPDATE, so two
    editors can never both win. Updates ``draft`` in memory so a following ``save()`` keeps the new value.
    """
    now = timezone.now()
    claimed = PlanVersion.objects.filter(
        pk=draft.pk, lock_version=expected_lock_version, signed_at__isnull=True,
    ).update(lock_version=F("lock_version") + 1, updated_by=by, updated_at=now)
    if not claimed:
        raise DraftConflict()
    draft.lock_version = expected_lock_version + 1
    draft.updated_by = by
    draft.updated_at = now


def record_save(draft, by):
    _record(draft.plan, draft, PlanAction.SAVED, by)


def sign_problems(version, on, safety_answers=None):
    """What stops a version from being signed on date ``on`` (empty when it can be signed).

    ``safety_answers`` ({prompt code: (answer, note)}) answer the medication safety prompts; only disulfiram with
    a reduced-drinking goal must be answered (acknowledged, with a reason) before signing."""
    problems = []
    if not version.drinking_goal:
        problems.append("Choose the drinking goal.")
    if version.next_review_date is None:
        problems.append("Set the next review date.")
    elif version.next_review_date < on:
        problems.append("The next review date is in the past; choose today or a later date.")
    for medication in version.medications.all():
        try:
            medication.clean()
        except ValidationError:
            problems.append(f"Check the medication entry “{medication.name}”.")
    return problems + answer_problems(prompts_for_version(version), safety_answers or {})


def sign_version(version, by, *, expected_lock_version=None, at=None, safety_answers=None):
    """Sign a draft: who and when are recorded and the version never changes again.

    Each medication safety prompt of the version is kept with it (``PlanSafetyCheck``): what was asked, the
    answer from ``safety_answers`` ({prompt code: (answer, note)}) or "not answered", who and when."""
    require_plan_editor(by, version.plan.patient)
    at = at or timezone.now()
    if version.is_signed:
        raise SignedVersionError("This version is already signed.")
    safety_answers = safety_answers or {}
    problems = sign_problems(version, timezone.localdate(at), safety_answers)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        lock = {"lock_version": expected_lock_version} if expected_lock_version is not None else {}
        if not PlanVersion.objects.select_for_update().filter(pk=version.pk, signed_at__isnull=True, **lock).exists():
            raise DraftConflict()
        checks = []
        for prompt in prompts_for_version(version):
            answer, note = safety_answers.get(prompt.code, ("", ""))
            checks.append(PlanSafetyCheck(
                version=version, prompt=prompt.code, question=prompt.question, answer=answer or "",
                answer_label=prompt.answer_labels.get(answer, "Not answered"), note=(note or "").strip(),
                answered_by=by, answered_at=at))
        PlanSafetyCheck.objects.bulk_create(checks)
        signed = PlanVersion.objects.filter(pk=version.pk, signed_at__isnull=True, **lock).update(
            signed_at=at, signed_by=by, lock_version=F("lock_version") + 1,
        )
        if not signed:
            raise DraftConflict()
        _record(version.plan, version, PlanAction.SIGNED, by, at)
    version.refresh_from_db()
    return version


def discard_draft(draft, by):
    require_plan_editor(by, draft.plan.patient)
    with transaction.atomic():
        _record(draft.plan, draft, PlanAction.DISCARDED, by)
        draft.delete()


def add_plan_goal(patient, by, description, *, source, source_note="", target_date=None):
    """Add an active goal to the patient's current draft (starting the plan or a revision if needed).

    Used by clinicians directly and by other stops, e.g. a recovery-capital gap (source
    ``GoalSource.RECOVERY_CAPITAL_GAP``) or engaging with peer or mutual support. Records who and when.
    Raises PermissionDenied unless ``by`` is a clinician of the patient's clinic, and ValidationError
    for a bad description or source.
    """
    require_plan_editor(by, patient)
    with transaction.atomic():
        draft, _ = get_or_start_draft(patient, by)
        goal = PlanGoal(version=draft, description=(description or "").strip(), source=source,
                        source_note=source_note or "", target_date=target_date, status=GoalStatus.ACTIVE,
                        added_by=by)
        goal.full_clean()
        goal.save()
        # Bump the lock so anyone with the draft open sees the new goal before their next save.
        PlanVersion.objects.filter(pk=draft.pk).update(
            lock_version=F("lock_version") + 1, updated_by=by, updated_at=timezone.now()
        )
        _record(draft.plan, draft, PlanAction.GOAL_ADDED, by)
    return goal


# Comparing ----------------------------------------------------------------------------------------

@dataclass
class EntryChange:
    kind: str  # "added", "removed" or "changed"
    label: str
    summary: str = ""
    fields: list = field(default_factory=list)  # (field label, before, after) for "changed"

    @property
    def kind_label(self):
        return {"added": "Added", "removed": "Removed", "changed": "Changed"}[self.kind]


@dataclass
class PlanChanges:
    base: object  # the signed version compared against, or None for a first version
    sections: list  # (section title, [EntryChange]) for sections with changes

    @property
    def has_changes(self):
        return bool(self.sections)


def _show(obj, name):
    value = getattr(obj, name)
    display = getattr(obj, f"get_{name}_display", None)
    if display is not None and value != "":
        return display()
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


VERSION_FIELDS = [
    ("drinking_goal", gettext_lazy("Drinking goal")),
    ("drinking_goal_in_own_words", gettext_lazy("In the patient's own words")),
    ("includes_peer_support", gettext_lazy("Peer support is part of the plan")),
    ("includes_mutual_support", gettext_lazy("Mutual support is part of the plan")),
    ("next_review_date", gettext_lazy("Next review")),
    ("notes", gettext_lazy("Other notes")),
]
MEDICATION_FIELDS = [
    ("name", gettext_lazy("Medication")), ("dose", gettext_lazy("Dose")), ("schedule", gettext_lazy("Schedule")),
    ("status", gettext_lazy("Status")), ("status_reason", gettext_lazy("Reason")),
    ("start_date", gettext_lazy("Start date")), ("stop_date", gettext_lazy("Stop or pause date")),
    ("prescriber_label", gettext_lazy("Prescriber")),
]
THERAPY_FIELDS = [("name", gettext_lazy("Therapy")), ("frequency", gettext_lazy("Frequency")),
                  ("provider", gettext_lazy("Provided by"))]
GOAL_FIELDS = [
    ("description", gettext_lazy("Goal")), ("target_date", gettext_lazy("Target date")),
    ("status", gettext_lazy("Status")), ("source", gettext_lazy("Where it came from")),
    ("source_note", gettext_lazy("About the source")),
]


def _field_changes(old, new, fields):
    return [(label, _show(old, name), _show(new, name)) for name, label in fields
            if _show(old, name) != _show(new, name)]


def medication_summary(m):
    parts = [m.dose, m.schedule, m.get_status_display()]
    if m.start_date:
        parts.append(f"from {_show(m, 'start_date')}")
    return " · ".join(p for p in parts if p)


def therapy_summary(t):
    return " · ".join(p for p in [t.frequency, t.provider] if p)


def goal_summary(g):
    parts = [g.get_status_display(), g.get_source_display()]
    if g.target_date:
        parts.append(f"by {_show(g, 'target_date')}")
    return " · ".join(parts)


def _entry_changes(old_entries, new_entries, fields, label_of, summary_of):
    old_by_key = {e.key: e for e in old_entries}
    new_by_key = {e.key: e for e in new_entries}
    changes = []
    for entry in new_entries:
        before = old_by_key.get(entry.key)
        if before is None:
            changes.append(EntryChange("added", label_of(entry), summary_of(entry)))
        else:
            diffs = _field_changes(before, entry, fields)
            if diffs:
                changes.append(EntryChange("changed", label_of(entry), fields=diffs))
    for entry in old_entries:
        if entry.key not in new_by_key:
            changes.append(EntryChange("removed", label_of(entry), summary_of(entry)))
    return changes


def compare_versions(old, new):
    """What changed from ``old`` (a signed version, or None) to ``new``, in a clinician's words."""
    if old is None:
        return PlanChanges(base=None, sections=[])
    sections = []
    plan_diffs = _field_changes(old, new, VERSION_FIELDS)
    if plan_diffs:
        sections.append(("Drinking goal, support and review", [EntryChange("changed", "Plan", fields=plan_diffs)]))
    for title, related, fields, label_of, summary_of in [
        ("Medications", "medications", MEDICATION_FIELDS, lambda m: m.name, medication_summary),
        ("Therapies", "therapies", THERAPY_FIELDS, lambda t: t.name, therapy_summary),
        ("Plan goals", "goals", GOAL_FIELDS, lambda g: g.description, goal_summary),
    ]:
        changes = _entry_changes(list(getattr(old, related).all()), list(getattr(new, related).all()),
                                 fields, label_of, summary_of)
        if changes:
            sections.append((title, changes))
    return PlanChanges(base=old, sections=sections)
