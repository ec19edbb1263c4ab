"""Demo data for Stop 3: conversations, referrals with history, a first meeting together, one consent and
one disclosure. Safe to run again: patients who already have Stop 3 records are left alone."""

import datetime

from django.db import transaction
from django.utils import timezone

from patients.models import Patient, StaffMember

from ..directory.models import Meeting, MeetingAttendance, Program, ProgramGroup
from ..lifecycle import CloseReason, ReferralStatus
from .lead import stop3_lead
from .models import (
    CompanionOffer,
    Concern,
    Consent,
    FirstMeetingPlan,
    InformationCategory,
    MutualSupportConversation,
    Referral,
    ReferralSource,
)
from .services import disclose_by_letter


def _meeting(clinic, program, online=None):
    qs = Meeting.objects.of_clinic(clinic).active().filter(program=program)
    if online is not None:
        qs = qs.filter(attendance=MeetingAttendance.ONLINE) if online else qs.exclude(
            attendance=MeetingAttendance.ONLINE)
    return qs.order_by("pk").first()


def _talk(patient, by, role, days_ago, **fields):
    return MutualSupportConversation.objects.create(
        patient=patient, held_by=by, held_by_role=role, track=stop3_lead(patient).track,
        held_on=timezone.localdate() - datetime.timedelta(days=days_ago), **fields)


def _backdate(referral, days_ago):
    """Spread the demo history over the past weeks so it reads like real use."""
    entries = list(referral.transitions.order_by("at", "id"))
    start = timezone.now() - datetime.timedelta(days=days_ago)
    step = datetime.timedelta(days=days_ago / max(len(entries), 1))
    for i, entry in enumerate(entries):
        entry.at = start + step * i
        entry.save(update_fields=["at"])
    Referral.objects.filter(pk=referral.pk).update(status_changed_at=entries[-1].at)


@transaction.atomic
def seed(clinic):
    staff = {s.username: s for s in StaffMember.objects.filter(username__in=["peer", "casemanager", "clinician"])}
    patients = {p.mrn: p for p in Patient.objects.filter(clinic=clinic, mrn__in=["RB-10001", "RB-10004", "RB-10003"])
                .prefetch_related("care_team__staff")}
    programs = {p.slug: p for p in Program.objects.filter(
        slug__in=["smart-recovery", "recovery-community-organizations", "alcoholics-anonymous"])}
    if len(staff) < 3 or len(patients) < 3 or len(programs) < 3:
        return
    peer, case_manager = staff["peer"], staff["casemanager"]
    today = timezone.localdate()

    # 3a: a peer talks with RB-10001, refers to an online SMART Recovery meeting and plans to go along.
    elena = patients["RB-10001"]
    if not elena.support_conversations.exists() and not elena.referrals.exists():
        _talk(elena, peer, "peer_specialist", 6,
              options_explained=[ProgramGroup.TWELVE_STEP, ProgramGroup.SECULAR, ProgramGroup.ONLINE_APP],
              concerns=[Concern.MEDICATION_JUDGED, Concern.TIME_OR_TRAVEL],
              concerns_addressed="Explained that SMART Recovery welcomes people on medication, and that online "
                                 "meetings need no travel.",
              companion_offer=CompanionOffer.ACCEPTED, next_step="Join an online SMART meeting together",
              next_step_on=today + datetime.timedelta(days=3))
        meeting = _meeting(clinic, programs["smart-recovery"], online=True)
        referral = Referral.start(patient=elena, program=programs["smart-recovery"], meeting=meeting, by=peer,
                                  source=ReferralSource.MATCHING,
                                  match_reasons="Welcomes medication; online, no travel needed; evening")
        referral.move_to(status=ReferralStatus.DISCUSSED, by=peer,
                         note="Patient liked the idea of a facilitated, practical group.")
        referral.move_to(status=ReferralStatus.REFERRED, by=peer,
                         note="Patient will join with the peer the first time.")
        _backdate(referral, 6)
        if meeting:
            FirstMeetingPlan.objects.create(
                referral=referral, companion=peer, meeting=meeting, planned_by=peer,
                planned_for=today + datetime.timedelta(days=3),
                meet_at="Join the video call together from the clinic's small room")

    # 3b: no peer on RB-10004's team; the case manager leads, refers to a recovery community
    # organisation, records the Part 2 consent and sends the referral letter (one disclosure).
    frank = patients["RB-10004"]
    if not frank.support_conversations.exists() and not frank.referrals.exists():
        _talk(frank, case_manager, "case_manager", 10,
              options_explained=[ProgramGroup.TWELVE_STEP, ProgramGroup.PEER_RUN_CENTER],
              concerns=[Concern.NOT_RELIGIOUS, Concern.FEAR],
              concerns_addressed="The recovery center is not religious and staff there meet newcomers one to one.",
              companion_offer=CompanionOffer.UNDECIDED, next_step="Ask the recovery center to call the patient",
              next_step_on=today - datetime.timedelta(days=3))
        rco = programs["recovery-community-organizations"]
        referral = Referral.start(patient=frank, program=rco, meeting=_meeting(clinic, rco), by=case_manager,
                                  status=ReferralStatus.DISCUSSED,
                                  note="Patient wants someone from the center to call first.")
        referral.move_to(status=ReferralStatus.REFERRED, by=case_manager)
        _backdate(referral, 10)
        consent = Consent.objects.create(
            patient=frank, program=rco, disclosing_party=clinic.name,
            recipient_name="Capital Area Recovery Center, newcomer coordinator",
            information_categories=[InformationCategory.IDENTITY, InformationCategory.REFERRAL],
            information_detail="First and last name, phone number, and the group the patient chose",
            purpose="So the recovery center can call the patient and welcome them at a first visit",
            right_to_revoke_explained=True,
            how_to_revoke=f"Give or send {clinic.name} a signed note saying you revoke this consent.",
            expires_on=today + datetime.timedelta(days=180),
            expiry_event="when the referral ends", signed_by=frank.display_name,
            signed_on=today - datetime.timedelta(days=8), recorded_by=case_manager)
        referral.refresh_from_db()
        disclosure = disclose_by_letter(referral, consent=consent, by=case_manager)
        disclosure.disclosed_at = timezone.now() - datetime.timedelta(days=8)
        disclosure.save(update_fields=["disclosed_at"])

    # A longer history: RB-10003 tried AA, stopped, and is now engaged elsewhere.
    ben = patients["RB-10003"]
    if not ben.referrals.exists():
        aa = programs["alcoholics-anonymous"]
        first = Referral.start(patient=ben, program=aa, meeting=_meeting(clinic, aa, online=False),
                               by=staff["clinician"], status=ReferralStatus.REFERRED)
        first.move_to(status=ReferralStatus.FIRST_MEETING_ATTENDED, by=staff["clinician"])
        first.move_to(status=ReferralStatus.STOPPED, by=staff["clinician"], reason=CloseReason.MEDICATION_NOT_WELCOME,
                      note="Was told at the meeting to stop naltrexone; will not return there.")
        _backdate(first, 40)
        smart = Referral.start(patient=ben, program=programs["smart-recovery"],
                               meeting=_meeting(clinic, programs["smart-recovery"], online=False),
                               by=staff["clinician"], status=ReferralStatus.DISCUSSED)
        for status in (ReferralStatus.REFERRED, ReferralStatus.FIRST_MEETING_ATTENDED, ReferralStatus.ENGAGED):
            smart.move_to(status=status, by=staff["clinician"])
        _backdate(smart, 25)
