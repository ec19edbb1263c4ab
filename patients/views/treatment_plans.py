"""Stop 1 pages: the treatment plan, its versions and history, editing and signing, the review list."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import audit
from .. import treatment_plans as plans
from ..access import clinic_staff_required, patient_for_request, role_required
from ..medication_safety import prompts_for_version
from ..models import Patient, PlanActivity, PlanVersion, Role, SignedVersionError
from ..treatment_plan_forms import PlanEditForms, SignForm

clinician_required = role_required(Role.CLINICIAN)


def _version_or_404(patient, number, queryset=None):
    qs = queryset if queryset is not None else PlanVersion.objects.all()
    return get_object_or_404(qs.select_related("plan"), plan__patient=patient, number=number)


def _plan_url(patient):
    return reverse("patients:plan", args=[patient.public_id])


def _companion(patient, version):
    """What the plan page shows of Stop 2 (the wellness plan and the gap goals), from the composing app named by
    the setting ``TREATMENT_PLAN_COMPANION``; None without it."""
    path = getattr(settings, "TREATMENT_PLAN_COMPANION", "")
    return import_string(path)(patient, version) if path else None


def _version_page(request, patient, version, status=200, sign_form=None):
    """A version with what changed since the signed version before it, its medication safety prompts (a draft)
    or the answers kept with it (signed), and the patient's wellness plan beside it."""
    numbers = list(PlanVersion.objects.filter(plan_id=version.plan_id).order_by("-number")
                   .values("number", "signed_at"))
    draft_number = next((v["number"] for v in numbers if v["signed_at"] is None), None)
    latest_signed_number = next((v["number"] for v in numbers if v["signed_at"] is not None), None)
    base = plans.previous_signed_version(version)
    if version.is_draft and sign_form is None:
        sign_form = SignForm(version=version, prompts=prompts_for_version(version))
    return render(request, "patients/treatment_plan.html", {
        "sign_form": sign_form,
        "companion": _companion(patient, version),
        "patient": patient,
        "version": version,
        "version_label": f"Version {version.number}",
        "changes": plans.compare_versions(base, version),
        "draft_number": draft_number,
        "latest_signed_number": latest_signed_number,
        "version_count": len(numbers),
        "superseded": version.is_signed and latest_signed_number != version.number,
        "can_edit": plans.can_edit_plan(request.user, patient),
        "today": timezone.localdate(),
    }, status=status)


@clinic_staff_required
def plan_detail(request, public_id):
    """The current plan: the draft being edited if there is one, else the latest signed version."""
    patient = patient_for_request(request, public_id)
    current = (plans.versions_with_entries(PlanVersion.objects.filter(plan__patient=patient), safety_checks=True)
               .select_related("plan").order_by(F("signed_at").desc(nulls_first=True), "-number").first())
    if current is None:
        return render(request, "patients/treatment_plan_empty.html", {
            "patient": patient, "can_edit": plans.can_edit_plan(request.user, patient),
        })
    return _version_page(request, patient, current)


@clinic_staff_required
def version_detail(request, public_id, number):
    patient = patient_for_request(request, public_id)
    version = _version_or_404(patient, number, plans.versions_with_entries(safety_checks=True))
    return _version_page(request, patient, version)


@clinic_staff_required
def plan_history(request, public_id):
    patient = patient_for_request(request, public_id)
    versions = list(PlanVersion.objects.filter(plan__patient=patient)
                    .select_related("signed_by", "created_by").order_by("-number"))
    current = next((v for v in versions if v.is_signed), None)
    for v in versions:
        v.is_current = v is current
    activity = PlanActivity.objects.filter(plan__patient=patient).select_related("by")[:100]
    return render(request, "patients/treatment_plan_history.html", {
        "patient": patient, "versions": versions, "activity": activity,
    })


@clinician_required
@require_POST
def plan_start(request, public_id):
    """Open the draft: a new plan, a revision of the latest signed version, or the draft already open."""
    patient = patient_for_request(request, public_id)
    plans.require_plan_editor(request.user, patient)
    draft, created = plans.get_or_start_draft(patient, request.user)
    if created:
        messages.success(request, _("Draft version %(number)s started.") % {"number": draft.number})
    else:
        messages.info(request, _("Version %(number)s is already being drafted; you are editing it.")
                               % {"number": draft.number})
    return redirect("patients:plan_edit", patient.public_id, draft.number)


@clinician_required
def plan_edit(request, public_id, number):
    patient = patient_for_request(request, public_id)
    plans.require_plan_editor(request.user, patient)
    version = _version_or_404(patient, number)
    if version.is_signed:
        # A signed version never changes, whatever the request says; nothing is read from the POST.
        return render(request, "patients/treatment_plan_signed.html",
                      {"patient": patient, "version": version}, status=409)
    forms = PlanEditForms(request.POST or None, version, request.user.clinic, patient=patient)
    conflict = None
    if request.method == "POST" and forms.is_valid():
        try:
            with transaction.atomic():
                plans.lock_draft_for_save(version, forms.expected_lock_version, request.user)
                forms.save(request.user)
                plans.record_save(version, request.user)
        except (plans.DraftConflict, SignedVersionError):
            conflict = PlanVersion.objects.select_related("updated_by").filter(pk=version.pk).first()
        else:
            messages.success(request, _("Draft version %(number)s saved.") % {"number": version.number})
            if "continue" in request.POST:
                return redirect("patients:plan_edit", patient.public_id, version.number)
            return redirect("patients:plan", patient.public_id)
    if conflict is not None:
        return _conflict(request, patient, version, conflict)
    return render(request, "patients/treatment_plan_edit.html", {
        "patient": patient, "version": version, "forms": forms,
    }, status=200)


def _conflict(request, patient, version, saved):
    """Someone saved (or signed) first: keep what this clinician typed and show what is saved now."""
    if saved is None or saved.is_signed:
        messages.error(request, _("Someone else signed or discarded this draft while you were editing; "
                                "your changes were not saved."))
        return render(request, "patients/treatment_plan_edit.html", {
            "patient": patient, "version": version, "forms": PlanEditForms(request.POST, version,
                                                                          request.user.clinic),
            "conflict": saved, "closed": True,
        }, status=409)
    # Rebuild the forms from the typed input, pointed at the newest saved state, so a deliberate
    # second save (after comparing) goes through.
    data = request.POST.copy()
    data["plan-lock_version"] = str(saved.lock_version)
    forms = PlanEditForms(data, saved, request.user.clinic, patient=patient)
    forms.is_valid()
    current = plans.versions_with_entries(PlanVersion.objects.filter(pk=version.pk)).first()
    return render(request, "patients/treatment_plan_edit.html", {
        "patient": patient, "version": saved, "forms": forms, "conflict": saved, "current": current,
    }, status=409)


@clinician_required
@require_POST
def plan_sign(request, public_id, number):
    patient = patient_for_request(request, public_id)
    plans.require_plan_editor(request.user, patient)
    version = _version_or_404(patient, number, plans.versions_with_entries())
    if version.is_signed:
        messages.error(request, _("Version %(number)s is already signed; it cannot change.")
                                % {"number": version.number})
        return redirect("patients:plan_version", patient.public_id, version.number)
    form = SignForm(request.POST, version=version, prompts=prompts_for_version(version))
    if not form.is_valid():
        if "lock_version" in form.errors:
            messages.error(request, _("The page was out of date; check the draft and sign again."))
            return redirect("patients:plan", patient.public_id)
        return _version_page(request, patient, version, status=400, sign_form=form)
    try:
        plans.sign_version(version, request.user, expected_lock_version=form.cleaned_data["lock_version"],
                           safety_answers=form.safety_answers())
    except ValidationError as error:
        for problem in error.messages:
            form.add_error(None, _("Not signed: %(problem)s") % {"problem": problem})
        return _version_page(request, patient, version, status=400, sign_form=form)
    except (plans.DraftConflict, SignedVersionError):
        messages.error(request, _("Someone changed this draft after you opened it; nothing was signed. "
                                "Check the draft below and sign again."))
        return redirect("patients:plan", patient.public_id)
    messages.success(request, _("Version %(number)s signed. It can no longer change; revise the plan to make a new "
                                "version.") % {"number": version.number})
    return redirect("patients:plan", patient.public_id)


@clinician_required
@require_POST
def plan_discard(request, public_id, number):
    patient = patient_for_request(request, public_id)
    plans.require_plan_editor(request.user, patient)
    version = _version_or_404(patient, number)
    if version.is_signed:
        messages.error(request, _("Version %(number)s is signed; it cannot be discarded.") % {"number": version.number})
        return redirect("patients:plan_version", patient.public_id, version.number)
    plans.discard_draft(version, request.user)
    messages.success(request, _("Draft version %(number)s discarded.") % {"number": version.number})
    return redirect("patients:plan", patient.public_id)


@clinician_required
@audit.lists_patients("plans due")
def plans_due(request):
    """Patients whose plan is due for review (or who have no signed plan), most overdue first."""
    today = timezone.localdate()
    scope = "mine" if request.GET.get("scope") == "mine" else "all"
    patients = Patient.objects.visible_to(request.user)
    if scope == "mine":
        patients = patients.on_care_team_of(request.user)
    patients = (patients.due_for_plan_review(today).with_care_team()
                .order_by(F("plan_next_review_date").asc(nulls_first=True), "last_name", "first_name", "pk"))
    page = Paginator(patients, per_page=settings.PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    for patient in page.object_list:
        due = patient.plan_next_review_date
        patient.days_overdue = (today - due).days if due else None
        patient.clinicians = patient.care_team_with_role(Role.CLINICIAN)
    return render(request, "patients/plans_due.html", {
        "page": page, "scope": scope, "today": today,
        "query_string": f"scope={scope}",
    })
