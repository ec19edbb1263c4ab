"""Stop 3 pages: who leads, conversation log, referrals and their lifecycle, first meeting together, handout."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from patients import care_teams
from patients.access import clinic_staff_required, patient_for_request, role_required
from patients.languages import patient_material
from patients.models import Patient
from patients.request_input import id_or_404, parse_id

from ...directory.matching import drinking_goal_and_maud
from ...directory.services import matched_option, matches_for, preferences_of
from ...followup.access import can_work_on_stop5, require_stop5_access
from ...followup.services import barrier_from_concern
from ...lifecycle import ReferralStatus, check_move
from ..forms import (
    ConversationForm,
    FirstMeetingPlanForm,
    MoveForm,
    OutcomeForm,
    PreferencesForm,
    ReferralForm,
    ReferralMeetingForm,
)
from ..handout import handout_for
from ..lead import CARE_ROLES, Stop3Track, conversation_role, stop3_lead
from ..models import Consent, FirstMeetingPlan, MutualSupportConversation, Referral, ReferralSource
from ..models.referral import StaleReferral
from ..services import log_conversation
from ..summary import stop3_summary

care_role_required = role_required(*CARE_ROLES)


def visible_referral(patient, pk, queryset=None):
    """A referral of an already visible patient; anything else is a 404."""
    return get_object_or_404(queryset if queryset is not None else Referral.objects, pk=pk, patient=patient)


def _overview_url(patient):
    return reverse("referrals:support", args=[patient.public_id])


# Overview --------------------------------------------------------------------------------------
@clinic_staff_required
def overview(request, public_id):
    patient = patient_for_request(request, public_id)
    context = stop3_summary(patient, conversations=None)
    context["can_log"] = request.user.has_role(*CARE_ROLES)
    context["can_open_barriers"] = can_work_on_stop5(request.user, patient)
    return render(request, "referrals/stop3_overview.html", context)


# Conversation log ------------------------------------------------------------------------------
@care_role_required
def conversation_new(request, public_id):
    patient = patient_for_request(request, public_id, queryset=Patient.objects.with_plan_status())
    lead = stop3_lead(patient)
    # Staff outside the care team are offered to join it, in the role they talk in, when they see the patient in
    # their own right (not only through emergency access: patients.care_teams).
    join_role = conversation_role(request.user, patient) if care_teams.may_join(request.user, patient) else None
    form = ConversationForm(request.POST or None, join_role=join_role, team_has_peer=lead.track == Stop3Track.PEER,
                            may_open_barriers=can_work_on_stop5(request.user, patient), patient=patient)
    preferences = preferences_of(patient)
    prefs_form = PreferencesForm(request.POST or None, instance=preferences,
                                 plan=drinking_goal_and_maud(patient, preferences),
                                 plan_url=reverse("patients:plan", args=[patient.public_id]))
    if request.method == "POST":
        forms_valid = form.is_valid() & prefs_form.is_valid()  # both, so every error shows at once
        if forms_valid:
            conversation = log_conversation(form.save(commit=False), patient=patient, by=request.user,
                                            preferences=prefs_form.save(commit=False),
                                            join_care_team=form.cleaned_data.get("join_care_team", False),
                                            open_barriers=form.cleaned_data["open_barriers"])
            text = gettext("Conversation logged; the patient's preferences were saved for matching.")
            if form.cleaned_data["open_barriers"]:
                count = conversation.concern_barriers.count()
                text = ngettext("Conversation logged; the patient's preferences were saved for matching. "
                                "%(count)d Stop 5 barrier opened from the concerns.",
                                "Conversation logged; the patient's preferences were saved for matching. "
                                "%(count)d Stop 5 barriers opened from the concerns.", count) % {"count": count}
            messages.success(request, text)
            return redirect(_overview_url(patient))
    return render(request, "referrals/conversation_form.html", {
        "patient": patient, "form": form, "prefs_form": prefs_form, "lead": lead,
    }, status=400 if request.method == "POST" else 200)


@care_role_required
@require_POST
def next_step_done(request, public_id, pk):
    """Mark the next step agreed in a conversation as done (it leaves the home page queue)."""
    patient = patient_for_request(request, public_id)
    conversation = get_object_or_404(MutualSupportConversation, pk=pk, patient=patient)
    try:
        conversation.mark_next_step_done(request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("Next step done: %(next_step)s") % {"next_step": conversation.next_step})
    return redirect(_overview_url(patient))


@clinic_staff_required
@require_POST
def concern_barrier(request, public_id, pk, concern):
    """Turn one concern raised in a conversation into a Stop 5 barrier in one click (or open the one made before)."""
    patient = patient_for_request(request, public_id)
    conversation = get_object_or_404(MutualSupportConversation, pk=pk, patient=patient)
    require_stop5_access(request.user, patient)
    conversation.patient = patient  # with its care team, which names the barrier's owner
    try:
        barrier, created = barrier_from_concern(conversation, concern=concern, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_overview_url(patient))
    if created:
        messages.success(request, gettext("Barrier opened: %(label)s, owned by %(owner)s. Plan what will help below.")
                                  % {"label": barrier.label, "owner": barrier.owner})
    else:
        messages.info(request, gettext("This concern is already a barrier."))
    return redirect("referrals:barrier_detail", patient.public_id, barrier.pk)


# Referrals -------------------------------------------------------------------------------------
MATCHES_SHOWN = 6


#: What a referral made from a matched option may start as: a suggestion to talk over, or referred at once
#: (staff who have just talked it through with the patient).
FROM_MATCH_STATUSES = {ReferralStatus.SUGGESTED.value, ReferralStatus.REFERRED.value}


def _refer_from_match(request, patient, matches):
    """Create a referral from one matched option (Find options, or a meeting page opened from it); the reasons
    are recomputed here, never posted. Returns the referral, or None with an error message."""
    kind, _, pk = request.POST.get("match", "").partition(":")
    status = request.POST.get("status") or ReferralStatus.SUGGESTED.value
    pk = parse_id(pk)  # a database id, never an overflow
    option = matched_option(patient, matches, kind=kind, pk=pk) if pk else None
    if option is None or status not in FROM_MATCH_STATUSES:
        messages.error(request, gettext("That option is no longer among the matches; pick again."))
        return None
    if option.left_out:
        messages.error(request, gettext("Matching does not offer %(item)s to this patient: %(left_out)s. To refer "
                                        "anyway, choose it by hand below.")
                                % {"item": option.item, "left_out": option.left_out})
        return None
    meeting = option.item if kind == "meeting" else None
    program = meeting.program if meeting else option.item
    return Referral.start(patient=patient, program=program, meeting=meeting, by=request.user, status=status,
                          source=ReferralSource.MATCHING, match_reasons="; ".join(option.fits))


@care_role_required
def referral_new(request, public_id):
    # Matching reads the signed plan's drinking goal and medication: annotated here, no extra query.
    patient = patient_for_request(request, public_id, queryset=Patient.objects.with_plan_status())
    matches = matches_for(patient)
    if request.method == "POST" and "match" in request.POST:
        referral = _refer_from_match(request, patient, matches)
        if referral:
            if referral.status == ReferralStatus.REFERRED:
                message = gettext("%(target_name)s: referred, with the reasons it matched.")
            else:
                message = gettext("%(target_name)s: saved as a suggestion, with the reasons it matched.")
            messages.success(request, message % {"target_name": referral.target_name})
            return redirect("referrals:referral_detail", patient.public_id, referral.pk)
        return redirect("referrals:referral_new", patient.public_id)
    program = id_or_404(request.GET.get("program"), "program")
    meeting = id_or_404(request.GET.get("meeting"), "meeting")
    initial = {key: value for key, value in (("program", program), ("meeting", meeting)) if value}
    form = ReferralForm(request.POST or None, patient=patient, initial=initial,
                        gender_groups=matches.needs.gender_groups)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = Referral.start(patient=patient, program=data["program"], meeting=data["meeting"],
                                      by=request.user, status=data["status"], note=data["note"],
                                      for_whom=data["for_whom"], fit_confirmation=data["fit_reason"])
        except ValidationError as error:
            _add_model_errors(form, error)
        else:
            if referral.for_someone_close:
                messages.success(request, gettext("%(target_name)s recorded as a suggestion for someone close to the "
                                                  "patient.") % {"target_name": referral.target_name})
            else:
                messages.success(request, gettext("Referral to %(target_name)s added.")
                                          % {"target_name": referral.target_name})
            return redirect("referrals:referral_detail", patient.public_id, referral.pk)
    return render(request, "referrals/referral_form.html", {
        "patient": patient, "form": form, "prefs": matches.preferences,
        "match_meetings": matches.options.meetings[:MATCHES_SHOWN],
        "match_programs": matches.options.programs[:MATCHES_SHOWN],
    }, status=400 if request.method == "POST" else 200)


def _add_model_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _detail_context(patient, referral, *, user, **forms):
    consents = [c for c in Consent.objects.filter(patient=patient, program_id=referral.program_id)
                if c.is_active]
    context = {
        "patient": patient, "referral": referral, "lead": stop3_lead(patient),
        "move_form": MoveForm(referral=referral),
        "plan_form": FirstMeetingPlanForm(referral=referral) if referral.is_open else None,
        "outcome_form": OutcomeForm(),
        "active_consents": consents,
        "disclosures": list(referral.disclosures.select_related("disclosed_by", "consent")),
        "patient_links": list(referral.patient_links.select_related("created_by", "answer")
                              .prefetch_related("tokens")),
    }
    context["can_act"] = user.has_role(*CARE_ROLES)
    context.update(forms)
    return context


def _referral_with_history(patient, pk):
    return visible_referral(patient, pk, Referral.objects.with_history().with_changes())


@clinic_staff_required
def referral_detail(request, public_id, pk):
    patient = patient_for_request(request, public_id)
    referral = _referral_with_history(patient, pk)
    return render(request, "referrals/referral_detail.html", _detail_context(patient, referral, user=request.user))


@care_role_required
@require_POST
def referral_move(request, public_id, pk):
    patient = patient_for_request(request, public_id)
    referral = visible_referral(patient, pk)
    form = MoveForm(request.POST, referral=referral)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            referral.move_to(status=data["new_status"], by=request.user, note=data["note"], reason=data["reason"],
                             expected_version=data["version"])
        except StaleReferral as error:
            form.add_error(None, error)
            status = 409
        except ValidationError as error:
            _add_model_errors(form, error)
        else:
            messages.success(request, gettext("Referral moved to “%(status)s”.")
                                      % {"status": referral.get_status_display()})
            return redirect("referrals:referral_detail", patient.public_id, referral.pk)
    elif request.POST.get("new_status") and request.POST["new_status"] not in dict(form.fields["new_status"].choices):
        # A move the lifecycle does not offer from here: explain it in the lifecycle's words.
        try:
            check_move(referral.status, request.POST["new_status"], reopen_to=referral.reopen_to,
                       reason=request.POST.get("reason", ""))
        except ValidationError as error:
            form.errors.pop("new_status", None)
            _add_model_errors(form, error)
    referral = _referral_with_history(patient, pk)
    return render(request, "referrals/referral_detail.html",
                  _detail_context(patient, referral, user=request.user, move_form=form), status=status)


def _closed(request, patient, referral, message):
    """A closed referral takes no changes until it is re-opened: back to its page, saying so."""
    messages.error(request, message)
    return redirect("referrals:referral_detail", patient.public_id, referral.pk)


@care_role_required
def referral_edit(request, public_id, pk):
    """Change the referral's meeting. A stale form (someone saved first) is refused with the input kept."""
    patient = patient_for_request(request, public_id)
    referral = visible_referral(patient, pk, Referral.objects.select_related("program", "meeting"))
    if not referral.is_open:
        return _closed(request, patient, referral,
                       gettext("This referral is closed; re-open it before changing its meeting."))
    form = ReferralMeetingForm(request.POST or None, referral=referral)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral.change_meeting(data["meeting"], request.user, note=data["note"],
                                        expected_version=data["version"])
            except StaleReferral as error:
                # Keep what was typed; point the form at the current version so a deliberate re-save works.
                status = 409
                referral = visible_referral(patient, pk, Referral.objects.select_related("program", "meeting"))
                typed = request.POST.copy()
                typed["version"] = str(referral.version)
                form = ReferralMeetingForm(typed, referral=referral)
                form.is_valid()
                form.add_error(None, error)
            except ValidationError as error:
                _add_model_errors(form, error)
            else:
                messages.success(request, gettext("The referral is now for %(target_name)s.")
                                          % {"target_name": referral.target_name})
                return redirect("referrals:referral_detail", patient.public_id, referral.pk)
    return render(request, "referrals/referral_edit.html", {"patient": patient, "referral": referral, "form": form},
                  status=status)


# First meeting together ------------------------------------------------------------------------
@care_role_required
def first_meeting_new(request, public_id, pk):
    patient = patient_for_request(request, public_id)
    referral = visible_referral(patient, pk, Referral.objects.select_related("meeting", "program"))
    if not referral.is_open:
        return _closed(request, patient, referral,
                       gettext("This referral is closed; re-open it before planning a first meeting."))
    form = FirstMeetingPlanForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        plan = form.save(commit=False)
        plan.planned_by = request.user
        plan.save()
        messages.success(request, gettext("First meeting planned: %(companion)s goes with the patient on "
                                          "%(planned_for)s.")
                                  % {"companion": plan.companion,
                                     "planned_for": date_format(plan.planned_for, "MONTH_DAY_FORMAT")})
        return redirect("referrals:referral_detail", patient.public_id, referral.pk)
    return render(request, "referrals/plan_form.html", {"patient": patient, "referral": referral, "form": form},
                  status=400 if request.method == "POST" else 200)


@care_role_required
@require_POST
def first_meeting_outcome(request, public_id, pk, plan_id):
    patient = patient_for_request(request, public_id)
    referral = visible_referral(patient, pk)
    plan = get_object_or_404(FirstMeetingPlan, pk=plan_id, referral=referral)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            plan.log_outcome(form.cleaned_data["outcome"], request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            _add_model_errors(form, error)
        else:
            messages.success(request, gettext("First meeting logged: %(outcome)s.")
                                      % {"outcome": plan.get_outcome_display().lower()})
            return redirect("referrals:referral_detail", patient.public_id, referral.pk)
    referral = _referral_with_history(patient, pk)
    return render(request, "referrals/referral_detail.html",
                  _detail_context(patient, referral, user=request.user, outcome_form=form,
                                  outcome_plan_id=plan.pk), status=400)


# Handout for the patient (no patient data: always allowed) -------------------------------------
@clinic_staff_required
def handout(request, public_id, pk):
    patient = patient_for_request(request, public_id)
    referral = _referral_with_history(patient, pk)
    plans = [p for p in referral.first_meeting_plans.all() if p.is_planned]
    meetings = []
    if referral.meeting_id:
        meetings.append(referral.meeting)
    for plan in plans:
        if plan.meeting not in meetings:
            meetings.append(plan.meeting)
    # The handout is the patient's: in their language (the template's {% language %} block), whatever the staff's.
    with patient_material(patient) as material:
        handout = handout_for(referral)
    return render(request, "referrals/handout.html", {
        "patient": patient, "referral": referral, "program": referral.program, "meetings": meetings,
        "plans": plans, "handout": handout, "clinic": patient.clinic, "material": material,
        "status_referred": ReferralStatus.REFERRED,
    })
