from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from patients import audit, care_teams
from patients.access import clinic_staff_required
from patients.forms import CareTeamMemberForm
from patients.models import Patient
from patients.request_input import parse_id

from .pathway import STATUS_ICONS
from .patient_list import PatientListForm, patient_listing
from .patient_page import page_context, patient_for_page
from .queues import KINDS, PAGE_SIZE, clinic_summary, my_patients, queue, queues_for


@login_required
@audit.lists_patients("home page")
def home(request):
    """The staff member's work, one set of queues per care role: each queue's count (a link to all of it) and
    one row per patient with everything waiting for them; a clinic admin's clinic in four numbers."""
    user = request.user
    if user.clinic_id is None:
        # Superusers without a clinic manage the system in Django admin.
        return redirect("admin:index") if user.is_superuser else render(request, "no_clinic.html", status=403)
    today = timezone.localdate()
    return render(request, "home.html", {
        "today": today,
        "role_queues": queues_for(user, today),
        "summary": clinic_summary(user) if user.is_clinic_admin else None,
        "several_roles": len(user.roles) > 1,
        "my_patient_count": my_patients(user).count(),
        "clinic_patient_count": Patient.objects.visible_to(user).count(),
    })


@clinic_staff_required
@audit.lists_patients("work queue")
def queue_page(request, key):
    """All of one work queue, page by page (the "See all" of a home-page count)."""
    kind = KINDS.get(key)
    if kind is None:
        raise Http404("No such queue.")
    if kind.role not in request.user.roles:
        raise PermissionDenied("This queue belongs to another role.")
    page = min(parse_id(request.GET.get("page")) or 1, 10_000)
    today = timezone.localdate()
    shown = queue(request.user, key, today, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(request, "pathway/queue.html", {"queue": shown, "today": today})


@clinic_staff_required
@audit.lists_patients("patient list")
def patient_list(request):
    """The clinic's patients (``patients:list``) with where each stands on the pathway; filtered in SQL."""
    form = PatientListForm(request.GET or None)
    page, scope, outside_caseload = patient_listing(request.user, form, timezone.localdate(),
                                                    page_number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "pathway/patient_list.html", {
        "form": form, "page": page, "scope": scope, "query_string": query.urlencode(),
        "outside_caseload": outside_caseload, "status_icons": STATUS_ICONS.items(),
    })


@clinic_staff_required
def patient_page(request, public_id):
    """The patient page (``patients:detail``): the pathway and a section for each stop."""
    patient = patient_for_page(request, public_id)
    form = CareTeamMemberForm(patient=patient) if care_teams.can_change_care_team(request.user, patient) else None
    return render(request, "pathway/patient/page.html", page_context(
        patient, request.user, timezone.localdate(), care_team_form=form))


@clinic_staff_required
@require_POST
def care_team_add(request, public_id):
    """The care-team form of the patient page (``patients:care_team_add``); a mistake shows the page again.
    Who may add whom is ``patients.care_teams``' rule."""
    patient = patient_for_page(request, public_id)
    care_teams.require_care_team_editor(request.user, patient)
    form = CareTeamMemberForm(request.POST, patient=patient)
    if form.is_valid():
        try:
            member = care_teams.add_member(patient=patient, staff=form.cleaned_data["staff"],
                                           role=form.cleaned_data["role"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request,
                             _("%(staff)s joined the care team as %(role)s.")
                             % {"staff": member.staff, "role": member.get_role_display().lower()})
            return redirect(patient)
    return render(request, "pathway/patient/page.html", page_context(
        patient, request.user, timezone.localdate(), care_team_form=form), status=400)


@never_cache
def healthz(request):
    """Liveness probe for load balancers: no database, no session, no patient data."""
    return HttpResponse("ok", content_type="text/plain")
