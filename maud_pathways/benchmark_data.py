"""Records of every stop for the benchmark clinic (``manage.py seed_benchmark``). Not for real clinics.

Each ``seed_*`` function takes the seeder's context (clinic, staff by role, patient_ids, rng) and adds one
stop's records with bulk inserts, keeping the models' rules:

* treatment plans are written as drafts, their entries added, then signed by an UPDATE while still drafts
  (a signed version is never written to again); a revision copies the signed entries with their keys;
  a plan has at most one draft;
* recovery-capital answers are scored by the questionnaire's own rules;
* referrals move only along the lifecycle (``referrals.lifecycle``), one transition per move, in date order;
* nothing is dated in the future except scheduled follow-ups and planned interventions.

Follow-ups every two weeks from a patient's mutual-support conversation make ``referrals_followup`` the
biggest table (about 100,000 rows for 10,000 patients).
"""

import datetime
import io
from collections import defaultdict

from django.core.management import call_command
from django.utils import timezone

from patients.models import (
    DrinkingGoal,
    GoalSource,
    Medication,
    MedicationStatus,
    PlanAction,
    PlanActivity,
    PlanGoal,
    PlanMedication,
    PlanTherapy,
    PlanVersion,
    Role,
    Therapy,
    TreatmentPlan,
)
from referrals.followup.models.followups import STAFF_METHODS
from referrals.lifecycle import ATTENDED_OR_FURTHER, PATH, CloseReason, ReferralStatus
from referrals.models import (
    Barrier,
    BarrierKind,
    BarrierSeverity,
    BarrierStatus,
    CompanionOffer,
    Concern,
    FeltWelcome,
    FirstMeetingPlan,
    FollowUp,
    FollowUpStatus,
    Intervention,
    InterventionStatus,
    Meeting,
    MeetingAttendance,
    MutualSupportConversation,
    Program,
    ProgramGroup,
    Referral,
    ReferralSource,
    ReferralTransition,
    suggestions_for,
)
from referrals.support.lead import Stop3Track
from wellness.loading import SHIPPED_QUESTIONNAIRE, load_definition
from wellness.models import (
    GapGoalLink,
    PlanChange,
    RecoveryCapitalAssessment,
    SignAndAction,
    Support,
    WellnessDimension,
    WellnessGoal,
    WellnessPlan,
)

BATCH = 2000
FOLLOW_UP_EVERY = datetime.timedelta(days=14)


def _span(n):
    """``n`` days, to add to or take from a date."""
    return datetime.timedelta(days=n)


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _set_by_value(model, values, field, **also):
    """``values``: {pk: value}. One UPDATE per distinct value (used to date fields that are set on insert,
    such as ``auto_now_add``, and to sign drafts)."""
    groups = defaultdict(list)
    for pk, value in values.items():
        groups[value].append(pk)
    for value, pks in groups.items():
        for start in range(0, len(pks), BATCH):
            model.objects.filter(pk__in=pks[start:start + BATCH]).update(**{field: value}, **also)


def _today(context):
    return context.setdefault("today", timezone.localdate())


def feature_seeders():
    return [seed_treatment_plans, seed_wellness, seed_stop3, seed_stop5]


# Stop 1 ----------------------------------------------------------------------------------------------

MEDICATIONS = [
    (Medication.NALTREXONE_ORAL, "50 mg", "once a day"),
    (Medication.NALTREXONE_XR, "380 mg", "every 4 weeks"),
    (Medication.ACAMPROSATE, "666 mg", "three times a day"),
    (Medication.DISULFIRAM, "250 mg", "once a day"),
    (Medication.TOPIRAMATE, "100 mg", "twice a day"),
    (Medication.GABAPENTIN, "300 mg", "three times a day"),
]
GOALS = [
    (GoalSource.CLINICAL, "Take the medication every day and note any side effects"),
    (GoalSource.CLINICAL, "Keep monthly appointments with the prescriber"),
    (GoalSource.RECOVERY_CAPITAL_GAP, "Find one alcohol-free place to spend evenings"),
    (GoalSource.PEER_MUTUAL_SUPPORT, "Try a mutual-support meeting that welcomes medication"),
    (GoalSource.PEER_MUTUAL_SUPPORT, "Meet the peer specialist every two weeks"),
]


def _plan_entries(version, day, clinician, rng):
    meds = []
    for _ in range(2 if rng.random() < 0.3 else 1):
        medication, dose, schedule = rng.choice(MEDICATIONS)
        roll = rng.random()
        status = (MedicationStatus.STARTED if roll < 0.72 else MedicationStatus.CONSIDERING if roll < 0.86
                  else MedicationStatus.PAUSED if roll < 0.93 else MedicationStatus.STOPPED)
        closed = status in (MedicationStatus.PAUSED, MedicationStatus.STOPPED)
        meds.append(PlanMedication(
            version=version, medication=medication, dose=dose, schedule=schedule, status=status,
            start_date=None if status == MedicationStatus.CONSIDERING else day - _span(rng.randint(0, 20)),
            stop_date=day if closed else None, status_reason="Side effects; to review" if closed else "",
            prescriber=clinician))
    therapy = PlanTherapy(version=version, therapy=rng.choice([Therapy.CBT, Therapy.MOTIVATIONAL,
                                                               Therapy.TWELVE_STEP]), frequency="weekly")
    goals = [PlanGoal(version=version, description=text, source=source, added_by=clinician,
                      target_date=day + _span(90))
             for source, text in rng.sample(GOALS, 3)]
    return meds, [therapy], goals


def _copy_entries(model, from_to):
    """Carry the entries of signed versions into their revisions (same ``key``), as ``revise`` does."""
    copies = []
    for entry in model.objects.filter(version_id__in=list(from_to)).order_by("pk"):
        entry.pk = entry.id = None
        entry._state.adding = True
        entry.version_id = from_to[entry.version_id]
        if model is PlanMedication and entry.status == MedicationStatus.CONSIDERING:
            entry.status, entry.start_date = MedicationStatus.STARTED, None  # started since; dated below
        copies.append(entry)
    return copies


def seed_treatment_plans(context):
    """Plans for ~92% of patients; most signed, ~40% revised and signed again, some drafts in progress."""
    rng, today = context["rng"], _today(context)
    clinician = context["staff"][Role.CLINICIAN]
    plans = _bulk(TreatmentPlan, [TreatmentPlan(patient_id=pid, created_by=clinician)
                                  for pid in context["patient_ids"] if rng.random() < 0.92])
    started = {plan.pk: today - _span(rng.randint(20, 365)) for plan in plans}
    versions = _bulk(PlanVersion, [PlanVersion(
        plan=plan, number=1, drinking_goal=rng.choice([DrinkingGoal.ABSTINENCE, DrinkingGoal.REDUCED]),
        drinking_goal_in_own_words="Stop drinking and keep my job" if i % 2 else "Drink less, never on weekdays",
        includes_peer_support=True, includes_mutual_support=rng.random() < 0.7,
        next_review_date=started[plan.pk] + _span(90), created_by=clinician, updated_by=clinician,
    ) for i, plan in enumerate(plans)])
    meds, therapies, goals = [], [], []
    for version in versions:
        m, t, g = _plan_entries(version, started[version.plan_id], clinician, rng)
        meds += m
        therapies += t
        goals += g
    _bulk(PlanMedication, meds)
    _bulk(PlanTherapy, therapies)
    _bulk(PlanGoal, goals)
    signed = {v.pk: _at(started[v.plan_id]) for v in versions if rng.random() < 0.95}  # the rest: first drafts
    _set_by_value(PlanVersion, signed, "signed_at", signed_by=clinician)
    activity = [PlanActivity(plan_id=v.plan_id, version_number=1, action=PlanAction.STARTED, by=clinician,
                             at=_at(started[v.plan_id], 9)) for v in versions]
    activity += [PlanActivity(plan_id=v.plan_id, version_number=1, action=PlanAction.SIGNED, by=clinician,
                              at=signed[v.pk]) for v in versions if v.pk in signed]

    # Revisions: signed again after a review (~40% of plans signed long enough ago).
    revised_on, revisions = {}, []
    for v in versions:
        day = started[v.plan_id] + _span(rng.randint(80, 100))
        if v.pk in signed and day <= today and rng.random() < 0.6:
            revised_on[v.plan_id] = day
            revisions.append(PlanVersion(
                plan_id=v.plan_id, number=2, revised_from_id=v.pk, drinking_goal=v.drinking_goal,
                drinking_goal_in_own_words=v.drinking_goal_in_own_words, includes_peer_support=True,
                includes_mutual_support=True, next_review_date=day + _span(90), created_by=clinician,
                updated_by=clinician))
    revisions = _bulk(PlanVersion, revisions)
    from_to = {r.revised_from_id: r.pk for r in revisions}
    copied = _copy_entries(PlanMedication, from_to)
    plan_of_revision = {r.pk: r.plan_id for r in revisions}
    for entry in copied:
        if entry.start_date is None and entry.status == MedicationStatus.STARTED:
            entry.start_date = revised_on[plan_of_revision[entry.version_id]]
    _bulk(PlanMedication, copied)
    _bulk(PlanTherapy, _copy_entries(PlanTherapy, from_to))
    _bulk(PlanGoal, _copy_entries(PlanGoal, from_to))
    _set_by_value(PlanVersion, {r.pk: _at(revised_on[r.plan_id]) for r in revisions}, "signed_at",
                  signed_by=clinician)
    for r in revisions:
        activity.append(PlanActivity(plan_id=r.plan_id, version_number=2, action=PlanAction.REVISED, by=clinician,
                                     at=_at(revised_on[r.plan_id], 9)))
        activity.append(PlanActivity(plan_id=r.plan_id, version_number=2, action=PlanAction.SIGNED, by=clinician,
                                     at=_at(revised_on[r.plan_id])))

    # A few revisions in progress (a draft next to the latest signed version).
    latest = {v.plan_id: v for v in versions if v.pk in signed}
    latest.update({r.plan_id: r for r in revisions})
    drafts = [PlanVersion(plan_id=plan_id, number=v.number + 1, revised_from_id=v.pk,
                          drinking_goal=v.drinking_goal, next_review_date=today + _span(30), created_by=clinician,
                          updated_by=clinician)
              for plan_id, v in latest.items() if rng.random() < 0.05]
    _bulk(PlanVersion, drafts)
    _bulk(PlanActivity, activity)
    first_signed = {v.plan_id: started[v.plan_id] for v in versions if v.pk in signed}
    patient_of_plan = {plan.pk: plan.patient_id for plan in plans}
    context["plan_signed_on"] = {patient_of_plan[p]: day for p, day in first_signed.items()}


# Stop 2 ----------------------------------------------------------------------------------------------

def _answer_profiles(parsed, rng, count=60):
    """Scored answer sets to draw from (scored by the questionnaire's own rules)."""
    profiles = []
    for _ in range(count):
        level = {d.id: rng.randint(parsed.scale.min, parsed.scale.max) for d in parsed.domains}
        answers = {item.id: min(parsed.scale.max, max(parsed.scale.min, level[item.domain] + rng.choice([-1, 0, 0, 1])))
                   for item in parsed.items}
        result = parsed.score(answers)
        profiles.append((answers, result.total, {ds.domain.id: ds.score for ds in result.domain_scores},
                         list(result.gap_domains)))
    return profiles


def seed_wellness(context):
    """Wellness plans (~65% of patients) with goals, a trigger and a support; assessments (~75%), repeated
    every three months."""
    rng, today = context["rng"], _today(context)
    peer = context["staff"][Role.PEER_SPECIALIST]
    _questionnaire, version, _changed = load_definition(SHIPPED_QUESTIONNAIRE.read_bytes())
    profiles = _answer_profiles(version.parsed, rng)
    signed_on = context.get("plan_signed_on", {})
    started = {}
    for pid in context["patient_ids"]:
        base = signed_on.get(pid) or today - _span(rng.randint(10, 330))
        started[pid] = min(today, base + _span(rng.randint(0, 30)))
    context["stop2_on"] = started

    with_plan = [pid for pid in context["patient_ids"] if rng.random() < 0.65]
    plans = _bulk(WellnessPlan, [WellnessPlan(
        patient_id=pid, vision="Steady work, time with my kids, mornings outside.",
        strengths="I show up; I ask for help when I need it.", daily_goals="Walk after breakfast",
        coping_strategies="Call my sister; go to the gym", updated_by=peer) for pid in with_plan])
    _set_by_value(WellnessPlan, {p.pk: _at(started[p.patient_id]) for p in plans}, "created_at")
    goals = []
    for p in plans:
        goals.append(WellnessGoal(plan=p, goal="Walk 20 minutes most days", dimension=WellnessDimension.PHYSICAL,
                                  steps="Shoes by the door\nWalk after breakfast", created_by=peer))
        goals.append(WellnessGoal(plan=p, goal="See a friend who does not drink every week",
                                  dimension=WellnessDimension.SOCIAL, created_by=peer))
    goals = _bulk(WellnessGoal, goals)
    _bulk(SignAndAction, [SignAndAction(plan=p, kind=SignAndAction.Kind.TRIGGER, what="Payday evenings",
                                        my_action="Plan the evening with my sister") for p in plans])
    _bulk(Support, [Support(plan=p, name="My sister", relationship="sister", call_in_crisis=True) for p in plans])
    changes = _bulk(PlanChange, [PlanChange(plan=p, changed_by=peer, section="Plan", action=PlanChange.Action.CREATED,
                                            summary="Wellness plan started") for p in plans])
    plan_patient = {p.pk: p.patient_id for p in plans}
    _set_by_value(PlanChange, {c.pk: _at(started[plan_patient[c.plan_id]]) for c in changes}, "changed_at")

    assessments = []
    for pid in context["patient_ids"]:
        if rng.random() >= 0.75:
            continue
        day = started[pid]
        for _ in range(rng.randint(1, 3)):
            if day > today:
                break
            answers, total, scores, gaps = rng.choice(profiles)
            assessments.append(RecoveryCapitalAssessment(
                patient_id=pid, version=version, taken_on=day, answers=answers, total=total,
                domain_scores=scores, gap_domains=gaps, administered_by=peer))
            day += _span(rng.randint(80, 100))
    assessments = _bulk(RecoveryCapitalAssessment, assessments)
    # A gap turned into a wellness goal: the first assessment with a gap, for patients with a wellness plan.
    first_goal = {}
    for g in goals:
        first_goal.setdefault(g.plan_id, g)
    goal_of_patient = {p.patient_id: first_goal[p.pk] for p in plans}
    links, linked = [], set()
    for a in assessments:
        if a.gap_domains and a.patient_id in goal_of_patient and a.patient_id not in linked:
            linked.add(a.patient_id)
            links.append(GapGoalLink(assessment=a, domain=a.gap_domains[0], wellness_goal=goal_of_patient[a.patient_id],
                                     created_by=peer))
    _bulk(GapGoalLink, links)


# Stop 3 and 4 ----------------------------------------------------------------------------------------

def _meetings(clinic, programs):
    rows = []
    for i in range(40):
        program = programs[i % len(programs)]
        rows.append(Meeting(
            clinic=clinic, program=program, slug=f"bench-{i}", name=f"{program.name} — meeting {i}",
            days=str(i % 7), start_time=datetime.time(7 + i % 13, 0), time_zone=clinic.time_zone,
            location_name="Community hall", formatted_address=f"{100 + i} Main St, Springfield, IL",
            attendance=MeetingAttendance.IN_PERSON, source="benchmark"))
    return _bulk(Meeting, rows)


def _move_days(rng, start, steps, today):
    """Dates of ``steps`` successive moves after ``start``, a few days to two weeks apart; None once past today."""
    days, day = [], start
    for _ in range(steps):
        day = day + _span(rng.randint(3, 14))
        days.append(day if day <= today else None)
    return days


def seed_stop3(context):
    """Conversations (~75% of patients, 3a with a peer on the team, else 3b) and referrals that move along
    the lifecycle, some with a first meeting together."""
    rng, today = context["rng"], _today(context)
    staff = context["staff"]
    call_command("load_programs", stdout=io.StringIO())
    programs = list(Program.objects.exclude(group=ProgramGroup.ONLINE_APP).order_by("sort_order", "pk")) \
        or list(Program.objects.all())
    meetings = _meetings(context["clinic"], programs)
    meetings_of = defaultdict(list)
    for m in meetings:
        meetings_of[m.program_id].append(m)
    stop2_on = context.get("stop2_on", {})

    conversations, held = [], {}
    for i, pid in enumerate(context["patient_ids"]):
        if rng.random() >= 0.75:
            continue
        day = min(today, (stop2_on.get(pid) or today - _span(rng.randint(10, 300))) + _span(rng.randint(3, 30)))
        peer_on_team = i % 4 != 3  # as the seeder's care teams are built
        by = staff[Role.PEER_SPECIALIST] if peer_on_team else staff[Role.CASE_MANAGER]
        concerns = rng.sample([Concern.MEDICATION_JUDGED, Concern.FEAR, Concern.NOT_RELIGIOUS, Concern.SPEAKING], 1)
        held[pid] = day
        conversations.append(MutualSupportConversation(
            patient_id=pid, held_by=by, held_by_role=Role.PEER_SPECIALIST if peer_on_team else Role.CASE_MANAGER,
            track=Stop3Track.PEER if peer_on_team else Stop3Track.STAFF, held_on=day,
            options_explained=[ProgramGroup.TWELVE_STEP, ProgramGroup.SECULAR, ProgramGroup.ONLINE_APP],
            concerns=concerns, concerns_addressed="Many groups welcome people on medication; we looked at some.",
            companion_offer=CompanionOffer.ACCEPTED if peer_on_team else CompanionOffer.NOT_OFFERED,
            next_step="Try a meeting this week", next_step_on=day + _span(7)))
    _bulk(MutualSupportConversation, conversations)
    context["conversation_on"] = held

    # Referrals: where each one got to, and when it moved.
    targets = ([ReferralStatus.SUGGESTED] * 8 + [ReferralStatus.DISCUSSED] * 8 + [ReferralStatus.REFERRED] * 22
               + [ReferralStatus.FIRST_MEETING_ATTENDED] * 20 + [ReferralStatus.ENGAGED] * 24
               + [ReferralStatus.DECLINED] * 12 + [ReferralStatus.STOPPED] * 6)
    plans, referrals, histories = [], [], []
    for pid, day in held.items():
        if rng.random() >= 0.85:
            continue
        for _ in range(2 if rng.random() < 0.25 else 1):
            target = rng.choice(targets)
            closing = target in (ReferralStatus.DECLINED, ReferralStatus.STOPPED)
            reached = PATH.index(ReferralStatus.REFERRED if closing else target)
            move_days = _move_days(rng, day, reached + (1 if closing else 0), today)
            steps = [(ReferralStatus.SUGGESTED, day)]
            for status, when in zip(PATH[1:reached + 1] + ([target] if closing else []), move_days, strict=True):
                if when is None:
                    break
                steps.append((status, when))
            status, last_day = steps[-1]
            closed = status in (ReferralStatus.DECLINED, ReferralStatus.STOPPED)
            program = rng.choice(programs)
            meeting = rng.choice(meetings_of[program.pk]) if meetings_of[program.pk] and rng.random() < 0.6 else None
            referral = Referral(
                patient_id=pid, program=program, meeting=meeting, source=ReferralSource.MATCHING,
                match_reasons="Welcomes medication; meets near home", referred_by=staff[Role.PEER_SPECIALIST],
                status=status, reopen_to=steps[-2][0] if closed else "",
                close_reason=CloseReason.NOT_READY if closed else "", status_changed_at=_at(last_day, 15),
                version=len(steps))
            referrals.append(referral)
            histories.append(steps)
    referrals = _bulk(Referral, referrals)
    _set_by_value(Referral, {r.pk: _at(h[0][1], 11) for r, h in zip(referrals, histories, strict=True)}, "created_at")
    transitions, attended_on = [], {}
    for r, steps in zip(referrals, histories, strict=True):
        previous = ""
        for status, when in steps:
            transitions.append(ReferralTransition(
                referral=r, from_status=previous, to_status=status, by=r.referred_by,
                at=_at(when, 15 if previous else 11),
                reason=CloseReason.NOT_READY if status in (ReferralStatus.DECLINED, ReferralStatus.STOPPED) else ""))
            if status == ReferralStatus.FIRST_MEETING_ATTENDED:
                attended_on.setdefault(r.patient_id, when)
                if r.meeting_id and rng.random() < 0.5:
                    plans.append(FirstMeetingPlan(
                        referral=r, companion=staff[Role.PEER_SPECIALIST], meeting_id=r.meeting_id, planned_for=when,
                        meet_at="Clinic lobby, 15 minutes before", outcome=FirstMeetingPlan.Outcome.WENT_TOGETHER,
                        planned_by=staff[Role.PEER_SPECIALIST], logged_by=staff[Role.PEER_SPECIALIST],
                        logged_at=_at(when, 20)))
            previous = status
        if r.status == ReferralStatus.REFERRED and r.meeting_id and rng.random() < 0.3:
            plans.append(FirstMeetingPlan(
                referral=r, companion=staff[Role.PEER_SPECIALIST], meeting_id=r.meeting_id,
                planned_for=today + _span(rng.randint(1, 10)), planned_by=staff[Role.PEER_SPECIALIST]))
    _bulk(ReferralTransition, transitions)
    _bulk(FirstMeetingPlan, plans)
    context["first_meeting_on"] = attended_on
    context["referrals_by_patient"] = defaultdict(list)
    for r in referrals:
        context["referrals_by_patient"][r.patient_id].append(r)


# Stop 5 ----------------------------------------------------------------------------------------------

BARRIER_KINDS = [BarrierKind.TRANSPORTATION] * 4 + [BarrierKind.ANXIETY] * 3 + [
    BarrierKind.MEDICATION_STIGMA, BarrierKind.MEDICATION_STIGMA, BarrierKind.SCHEDULE, BarrierKind.FEW_OPTIONS,
    BarrierKind.MISINFORMATION, BarrierKind.CHILDCARE, BarrierKind.COST, BarrierKind.PHONE_INTERNET, BarrierKind.OTHER]


def seed_stop5(context):
    """Follow-ups every two weeks from the conversation (done ones up to today, then the next one scheduled,
    ~10% overdue), barriers (~45% of those patients) with an intervention each."""
    rng, today = context["rng"], _today(context)
    case_manager = context["staff"][Role.CASE_MANAGER]
    peer = context["staff"][Role.PEER_SPECIALIST]
    first_meeting = context.get("first_meeting_on", {})
    referrals_by_patient = context.get("referrals_by_patient", {})
    follow_ups, attended_links = [], []
    for pid, held_on in context.get("conversation_on", {}).items():
        day = held_on + FOLLOW_UP_EVERY
        overdue = rng.random() < 0.1
        went_from = first_meeting.get(pid)
        while day + (FOLLOW_UP_EVERY if overdue else _span(0)) <= today:
            meetings = rng.randint(0, 4) if went_from and day >= went_from else 0
            follow_ups.append(FollowUp(
                patient_id=pid, status=FollowUpStatus.DONE, due_on=day, assigned_to=case_manager, done_on=day,
                done_by=case_manager, method=rng.choice(STAFF_METHODS), meetings_attended=meetings,
                felt_welcome=rng.choice(list(FeltWelcome)) if meetings else "",
                in_their_words="Went twice, it was OK" if meetings else "", next_follow_up_on=day + FOLLOW_UP_EVERY,
                created_by=case_manager))
            if meetings and (today - day).days < 90:
                attended_links.append((len(follow_ups) - 1, pid))
            day += FOLLOW_UP_EVERY
        follow_ups.append(FollowUp(patient_id=pid, due_on=day, assigned_to=case_manager, created_by=case_manager))
    follow_ups = _bulk(FollowUp, follow_ups)
    Through = FollowUp.attended_referrals.through
    links = []
    for index, pid in attended_links:
        for r in referrals_by_patient.get(pid, []):
            if r.status in ATTENDED_OR_FURTHER:
                links.append(Through(followup_id=follow_ups[index].pk, referral_id=r.pk))
                break
    _bulk(Through, links)

    barriers, plans = [], []
    for pid, held_on in context.get("conversation_on", {}).items():
        if rng.random() >= 0.45:
            continue
        for kind in rng.sample(BARRIER_KINDS, 2 if rng.random() < 0.3 else 1):
            noted = min(today, held_on + _span(rng.randint(0, 60)))
            roll = rng.random()
            status = (BarrierStatus.RESOLVED if roll < 0.45 else BarrierStatus.CANNOT_RESOLVE_NOW if roll < 0.5
                      else BarrierStatus.BEING_ADDRESSED if roll < 0.75 else BarrierStatus.OPEN)
            closed = status in (BarrierStatus.RESOLVED, BarrierStatus.CANNOT_RESOLVE_NOW)
            closed_on = min(today, noted + _span(rng.randint(3, 40))) if closed else None
            barriers.append(Barrier(
                patient_id=pid, kind=kind, other_kind="Housing" if kind == BarrierKind.OTHER else "",
                severity=rng.choice(list(BarrierSeverity)), status=status, noted_on=noted,
                noted_by=rng.choice([case_manager, peer]), owner=case_manager, closed_on=closed_on,
                closed_by=case_manager if closed else None))
            suggestion = suggestions_for(kind)[0]
            plans.append((suggestion, noted, closed_on, status))
    barriers = _bulk(Barrier, barriers)
    interventions = []
    for barrier, (suggestion, noted, closed_on, status) in zip(barriers, plans, strict=True):
        done = closed_on is not None or (status == BarrierStatus.BEING_ADDRESSED and rng.random() < 0.3)
        outcome = (InterventionStatus.HELPED if status == BarrierStatus.RESOLVED
                   else InterventionStatus.DID_NOT_HELP if done else InterventionStatus.PLANNED)
        interventions.append(Intervention(
            barrier=barrier, kind=suggestion.kind, what=suggestion.what, owner=case_manager,
            due_on=noted + _span(14), status=outcome, completed_on=(closed_on or min(today, noted + _span(10))) if done
            else None, created_by=case_manager, outcome_note="" if outcome == InterventionStatus.PLANNED else "Done"))
    _bulk(Intervention, interventions)
