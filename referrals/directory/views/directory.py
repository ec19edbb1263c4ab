"""The directory of programs and the clinic's meetings; Meeting Guide import and export."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients import audit
from patients.access import clinic_staff_required, patient_for_request, role_required
from patients.models import AuditAction, Patient, Role
from patients.request_input import slug_or_404

from ...followup.ratings import welcome_ratings
from ..forms import (
    ImportConfirmForm,
    MeetingFilterForm,
    MeetingForm,
    MeetingImportForm,
    MeetingMedicationForm,
    ProgramForm,
    ProgramNoteForm,
)
from ..guides import first_meeting_guide
from ..meeting_guide import export_feed, feed_name, meetings_to_export
from ..models import Meeting, MeetingImport, PendingMeetingImport, Program, ProgramGroup, ProgramNote
from ..services import (
    cancel_pending_import,
    confirm_pending_import,
    import_upload,
    matched_option,
    matches_for,
    pending_import_plan,
    save_clinic_program,
    save_program_note,
)
from .matching import REFERRING_ROLES

admin_required = role_required(Role.CLINIC_ADMIN)
MEETINGS_PER_PAGE = getattr(settings, "MEETINGS_PER_PAGE", 25)
REJECTED_SHOWN = 50  # rejected entries listed on the confirmation page


def _clinic_meetings(request):
    """The signed-in staff member's clinic's meetings: another clinic's meeting is a 404."""
    return Meeting.objects.of_clinic(request.user.clinic_id)


def _clinic_programs(request):
    """The programs the signed-in staff member's clinic may see: shared ones and its own (another clinic's
    program is a 404)."""
    return Program.objects.for_clinic(request.user.clinic_id)


@clinic_staff_required
def directory(request):
    programs = _clinic_programs(request).annotate(
        meeting_count=Count("meetings", filter=Q(meetings__clinic_id=request.user.clinic_id,
                                                 meetings__is_active=True))
    ).prefetch_related(Prefetch("clinic_notes", queryset=ProgramNote.objects.filter(clinic_id=request.user.clinic_id),
                                to_attr="own_notes"))
    ratings = welcome_ratings(request.user.clinic_id)
    by_group = {value: [] for value in ProgramGroup.values}
    for program in programs:
        program.welcome_rating = ratings.for_program(program.pk)
        by_group[program.group].append(program)
    groups = [(ProgramGroup(value), items) for value, items in by_group.items()]
    return render(request, "referrals/directory.html", {"groups": groups})


@clinic_staff_required
def program_detail(request, slug):
    program = get_object_or_404(_clinic_programs(request), slug=slug)
    meetings = _clinic_meetings(request).filter(program=program).active().order_by("days", "start_time", "name")
    page = Paginator(meetings, per_page=MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    imports = []
    if request.user.is_clinic_admin:
        imports = MeetingImport.objects.filter(clinic_id=request.user.clinic_id, program=program)[:5]
    note = ProgramNote.objects.filter(clinic_id=request.user.clinic_id, program=program).select_related(
        "updated_by").first()
    return render(request, "referrals/program_detail.html", {
        "program": program, "page": page, "imports": imports, "query_string": "", "note": note,
        "guide": first_meeting_guide(program),
    })


@admin_required
def program_new(request):
    """A clinic admin adds one of the clinic's own programs: only the clinic sees it."""
    return _program_form_page(request, None)


@admin_required
def program_edit(request, slug):
    """Only a clinic's own programs are edited here; shared facts are maintained by site administrators."""
    return _program_form_page(request, get_object_or_404(Program.objects.of_clinic(request.user.clinic_id),
                                                         slug=slug))


def _program_form_page(request, program):
    form = ProgramForm(request.POST or None, instance=program, clinic=request.user.clinic)
    if request.method == "POST" and form.is_valid():
        saved = save_clinic_program(form.save(commit=False), by=request.user)
        messages.success(request, _("%(saved_name)s saved. Only %(clinic_name)s sees it.")
                                  % {"saved_name": saved.name, "clinic_name": request.user.clinic.name})
        return redirect(saved)
    return render(request, "referrals/program_form.html", {"form": form, "program": program},
                  status=400 if request.method == "POST" else 200)


@admin_required
def program_note(request, slug):
    """The clinic's note next to a shared program: a local contact and what the clinic has learned."""
    program = get_object_or_404(Program.objects.shared(), slug=slug)
    note = ProgramNote.objects.filter(clinic_id=request.user.clinic_id, program=program).first()
    form = ProgramNoteForm(request.POST or None, instance=note)
    if request.method == "POST" and form.is_valid():
        save_program_note(form.save(commit=False), program=program, by=request.user)
        messages.success(request, _("%(clinic_name)s's note on %(program_name)s saved.")
                                  % {"clinic_name": request.user.clinic.name, "program_name": program.name})
        return redirect(program)
    return render(request, "referrals/program_note_form.html", {"form": form, "program": program},
                  status=400 if request.method == "POST" else 200)


@clinic_staff_required
def meeting_list(request):
    form = MeetingFilterForm(request.GET or None, clinic=request.user.clinic_id)
    meetings = _clinic_meetings(request).select_related("program").order_by("days", "start_time", "name", "id")
    if form.is_valid():
        meetings = form.filter(meetings)
    elif request.GET:
        meetings = meetings.none()
    else:
        meetings = meetings.active()
    page = Paginator(meetings, per_page=MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "referrals/meeting_list.html", {
        "form": form, "page": page, "query_string": query.urlencode(),
    })


def _patient_in_context(request):
    """The patient whose options led here (``?patient=<public id>``), loaded by the one scoping rule, with how
    this meeting matches them; None without one. A malformed or unknown id is a 404, like any patient URL."""
    public_id = request.GET.get("patient")
    if not public_id:
        return None
    try:
        public_id = uuid.UUID(public_id)
    except ValueError:
        raise Http404("No such patient.") from None
    patient = patient_for_request(request, public_id, queryset=Patient.objects.select_related("clinic")
                                  .with_plan_status())
    audit.record(request, AuditAction.VIEW, patient=patient)
    return patient


@clinic_staff_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(_clinic_meetings(request).select_related("program"), pk=pk)
    patient = _patient_in_context(request)
    option = None
    if patient is not None:
        matches = matches_for(patient)
        option, ratings = matched_option(patient, matches, kind="meeting", pk=meeting.pk), matches.ratings
    else:
        ratings = welcome_ratings(request.user.clinic_id)
    return render(request, "referrals/meeting_detail.html", {
        "meeting": meeting, "form": MeetingMedicationForm(instance=meeting),
        "patient": patient, "option": option, "can_refer": request.user.has_role(*REFERRING_ROLES),
        "meeting_rating": ratings.for_meeting(meeting.pk), "program_rating": ratings.for_program(meeting.program_id),
    })


@clinic_staff_required
@require_POST
def meeting_review_done(request, pk):
    """Staff have looked into a report of a patient feeling judged at this meeting: the mark is cleared."""
    meeting = get_object_or_404(_clinic_meetings(request), pk=pk)
    if meeting.review_requested_on is not None:
        Meeting.objects.filter(pk=meeting.pk).update(review_requested_on=None, review_reason="")
        messages.success(request, _("Marked as reviewed. Record what the clinic knows about medication below."))
    return redirect(meeting)


@admin_required
def meeting_new(request):
    """Add a meeting no feed lists; imports of its program never change or deactivate it."""
    return _meeting_form_page(request, None)


@admin_required
def meeting_edit(request, pk):
    """Edit a meeting the clinic added by hand (a feed's meetings change only through their feed)."""
    return _meeting_form_page(request, get_object_or_404(_clinic_meetings(request).filter(added_by_hand=True), pk=pk))


def _meeting_form_page(request, meeting):
    form = MeetingForm(request.POST or None, clinic=request.user.clinic, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        saved = form.save(by=request.user)
        message = _("%(saved_name)s saved.") if meeting else _("%(saved_name)s added to the clinic's meetings.")
        messages.success(request, message % {"saved_name": saved.name})
        return redirect(saved)
    return render(request, "referrals/meeting_form.html", {"form": form, "meeting": meeting},
                  status=400 if request.method == "POST" else 200)


@clinic_staff_required
def meeting_medication_edit(request, pk):
    meeting = get_object_or_404(_clinic_meetings(request).select_related("program"), pk=pk)
    form = MeetingMedicationForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved what the clinic knows about this meeting and medication."))
        return redirect(meeting)
    status = 400 if request.method == "POST" else 200
    ratings = welcome_ratings(request.user.clinic_id)
    return render(request, "referrals/meeting_detail.html", {
        "meeting": meeting, "form": form, "meeting_rating": ratings.for_meeting(meeting.pk),
        "program_rating": ratings.for_program(meeting.program_id)}, status=status)


@clinic_staff_required
def meeting_export(request, slug):
    """The clinic's active meetings of one program as a Meeting Guide JSON feed (a stable URL)."""
    program = get_object_or_404(_clinic_programs(request), slug=slug)
    meetings = meetings_to_export(request.user.clinic_id, program)
    response = JsonResponse(export_feed(meetings), safe=False, json_dumps_params={"ensure_ascii": False})
    filename = f"{slugify(request.user.clinic.name)}-{program.slug}-meetings.json"
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin_required
def meeting_import(request):
    initial = {}
    slug = slug_or_404(request.GET.get("program"), "program")
    if slug:
        initial["program"] = _clinic_programs(request).filter(slug=slug).first()
    form = MeetingImportForm(request.POST or None, request.FILES or None, initial=initial,
                             clinic=request.user.clinic_id)
    if request.method == "POST" and form.is_valid():
        data, clinic = form.cleaned_data, request.user.clinic
        record, pending = import_upload(
            clinic=clinic, program=data["program"], file_name=data["feed"].name[:200], entries=form.entries,
            source=feed_name(clinic, data["program"], data["source"], data["feed"].name), by=request.user,
        )
        if pending is not None:
            return redirect("referrals:import_confirm", pk=pending.pk)
        messages.success(request, _("Import finished: %(summary)s.") % {"summary": record.summary.as_text()})
        return redirect("referrals:import_detail", pk=record.pk)
    imports = (MeetingImport.objects.filter(clinic_id=request.user.clinic_id)
               .select_related("program", "imported_by")[:10])
    return render(request, "referrals/meeting_import.html", {"form": form, "imports": imports,
                                                              "feeds": _clinic_feeds(request)},
                  status=400 if request.method == "POST" else 200)


@admin_required
def import_confirm(request, pk):
    """An upload held because importing it needs a confirmation: what it would do, the concerns, and the boxes to
    tick (or cancel). Another clinic's upload is a 404."""
    pending = get_object_or_404(PendingMeetingImport.objects.select_related("clinic", "program"), pk=pk,
                                clinic_id=request.user.clinic_id)
    if request.method == "POST" and "cancel" in request.POST:
        cancel_pending_import(pending)
        messages.info(request, _("Import of “%(source)s” cancelled: nothing was changed.") % {"source": pending.source})
        return redirect("referrals:meeting_import")
    plan, changed = None, False
    if request.method == "POST":
        posted = ImportConfirmForm(request.POST)
        if posted.is_valid():
            expected = posted.cleaned_data["expected_deactivated"]
            record, plan = confirm_pending_import(pending, confirmed=posted.confirmations,
                                                  expected_deactivated=expected, by=request.user)
            if record is not None:
                messages.success(request, _("Import finished: %(summary)s.") % {"summary": record.summary.as_text()})
                return redirect("referrals:import_detail", pk=record.pk)
            changed = plan.summary.deactivated != expected  # another import ran since the page was shown
    plan = plan or pending_import_plan(pending)
    if request.method == "POST" and not changed:
        form = ImportConfirmForm(request.POST, plan=plan)
        form.is_valid()  # says which box is still to tick
    else:
        form = ImportConfirmForm(plan=plan)
    return render(request, "referrals/import_confirm.html", {
        "pending": pending, "plan": plan, "form": form, "changed": changed,
        "rejected": plan.summary.rejected[:REJECTED_SHOWN],
    }, status=409 if changed else (400 if request.method == "POST" else 200))


def _clinic_feeds(request):
    """The clinic's meetings grouped by program and feed (meetings added by hand as one group). One query."""
    return (_clinic_meetings(request).order_by().values("program__name", "source", "added_by_hand")
            .annotate(active=Count("pk", filter=Q(is_active=True)), inactive=Count("pk", filter=Q(is_active=False)))
            .order_by("program__name", "added_by_hand", "source"))


@admin_required
def import_detail(request, pk):
    record = get_object_or_404(
        MeetingImport.objects.select_related("program", "imported_by"), pk=pk, clinic_id=request.user.clinic_id
    )
    return render(request, "referrals/import_detail.html", {"record": record})
