"""Where a patient stands on the five stops of the pathway, derived from what each app already holds.

Nothing here is stored: every status is worked out from the treatment plan (Stop 1), the wellness plan
and recovery-capital assessments (Stop 2), conversations about mutual support (Stop 3), referrals
(Stop 4), and follow-ups and barriers (Stop 5). Each stop gets

* a status: not started, in progress, done, or needs attention (``StopStatus``);
* a short reason in words;
* whose turn it is: a role and, when the care team has one, the people in that role;
* the next action, as a label and a URL.

The rules
---------
Stop 1, treatment plan (clinician's turn)
    done: a signed version exists and its review date is still ahead.
    needs attention: the latest signed version is due for review (review date today or past). This is
    the same rule as the clinician's "Plans due" list, so the pathway and the list never disagree.
    in progress: only a draft exists (nothing signed yet).
    not started: no plan at all.

Stop 2, wellness plan and recovery capital (peer specialist's turn; the care team's without one)
    needs attention: the latest assessment found a gap that no goal answers yet. A gap counts as
    answered when any assessment of the patient has a goal (wellness or treatment plan) for that
    domain: a goal made for last month's "social" gap still answers this month's.
    done: a wellness plan exists, an assessment was taken in the last ``ASSESSMENT_FRESH_DAYS`` days,
    and every gap has a goal.
    in progress: one of the two (a plan, or an assessment), or both with the assessment out of date.
    not started: neither.

Stop 3, talking about mutual support (3a: the peer specialist; 3b: a clinician or case manager)
    3a or 3b comes from the care team (``referrals.support.lead.stop3_lead``).
    done: a conversation is logged and the latest signed treatment plan says mutual support is part of it.
    in progress: a conversation is logged but the signed plan does not say mutual support yet: the
    clinician's turn to add it to the plan.
    needs attention: nothing logged and nobody on the care team can lead the talk (no peer specialist,
    clinician or case manager on the team).
    not started: no conversation logged.

Stop 4, mutual-support options and referral (the Stop 3 lead's turn)
    done: a referral is "referred" or further along (first meeting attended, engaged).
    needs attention: there are referrals and all of them are declined or stopped.
    in progress: a referral is suggested or discussed but not yet made, or matching preferences are
    recorded with no referral yet.
    not started: no referral and no preferences.
    Suggestions for someone close to the patient (Al-Anon for a relative) are not the patient's referrals and
    count for neither Stop 4 nor Stop 5.

Stop 5, barriers and follow-up (the case manager's turn)
    needs attention: a scheduled follow-up is overdue (due before today), or a barrier is open with
    nothing planned about it, or the patient has lapsed: a referral reached "first meeting attended" or
    "engaged" and no meeting has been reported for the clinic's ``lapse_days`` (default 30) days or more
    ("No meeting reported since …"; the rule is ``referrals.followup.participation``).
    done: a referral reached "first meeting attended" or "engaged", participation is current (a meeting
    reported within the clinic's ``lapse_days``) and no barrier is open (open or being addressed). Done
    lasts only while participation is current.
    in progress: anything under way: a referral made, a follow-up scheduled or logged, a barrier being
    addressed.
    not started: none of that yet. It starts once the patient is referred, so it is nobody's turn yet.

A stop that is done has no turn. When the care team has nobody in the role whose turn it is, the turn
names the role alone, and every staff member holding that role sees it as theirs.

Filters
-------
``PATHWAY_FILTERS`` asks some of these rules of a whole clinic in SQL (EXISTS conditions the database answers
with joins), so the patient list can show, say, everyone whose Stop 5 needs attention. Each filter names the
stop and the statuses it stands for, and a test checks that the SQL and the rules above agree.

Queries
-------
``pathway_for_patients(queryset, today)`` works for many patients in a fixed number of queries (the
patients with their pathway annotations, their care teams, referrals, latest assessments, gap-goal links
and questionnaire versions), whatever the number of patients or records. The pages load a page of patients
with ``patients_with_pathway`` (the patient list) or add the facts to their one patient with
``pathway_facts`` (``maud_pathways/patient_page.py``), then call ``build_pathways``. Both run the query of
``annotate_pathway`` compiled once per process: building and compiling its thirty subqueries cost about
25 ms of Python a page, ten times what PostgreSQL took to run it for one patient.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connections, models, router
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from patients.models import (
    CareTeamMember,
    Patient,
    PlanVersion,
    Role,
    plan_status_annotations,
    review_is_due,
    review_is_due_q,
)
from referrals.followup.models.barriers import ACTIVE_BARRIER_STATUSES
from referrals.followup.participation import participation_of, with_participation
from referrals.lifecycle import ATTENDED_OR_FURTHER, CLOSED_STATUSES, PATH, REFERRED_OR_FURTHER, ReferralStatus
from referrals.models import (
    Barrier,
    FollowUp,
    Intervention,
    InterventionStatus,
    MatchingPreferences,
    MutualSupportConversation,
    Referral,
)
from referrals.support.lead import Stop3Track, stop3_lead
from wellness.models import RecoveryCapitalAssessment, WellnessPlan

from .shared import UnansweredGap, day, gaps_of, latest_assessment_first, latest_assessments, patient_url

#: An assessment older than this no longer counts as "taken" for Stop 2.
ASSESSMENT_FRESH_DAYS = 90
#: The prefix of the participation annotations (``referrals.followup.participation``) on a pathway's patients.
PARTICIPATION = "pw_"



class StopStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NEEDS_ATTENTION = "needs_attention", _("Needs attention")


#: A symbol for each status, always shown next to the words (never colour alone).
STATUS_ICONS = {
    StopStatus.NOT_STARTED: "○",
    StopStatus.IN_PROGRESS: "◐",
    StopStatus.DONE: "✓",
    StopStatus.NEEDS_ATTENTION: "!",
}


@dataclass
class Turn:
    """Whose turn it is: a role and, when known, the people on the care team in that role."""

    role: str
    people: list = field(default_factory=list)

    @property
    def role_label(self):
        return Role(self.role).label

    @property
    def label(self):
        if self.people:
            return f"{self.role_label}: {', '.join(str(p) for p in self.people)}"
        return gettext("%(role)s (nobody in this role on the care team)") % {"role": self.role_label}

    def includes(self, user):
        if self.role not in user.roles:
            return False
        return not self.people or any(p.pk == user.pk for p in self.people)


@dataclass
class Stop:
    number: str  # "1", "2", "3a", "3b", "4", "5"
    title: str
    status: StopStatus
    reason: str
    turns: list = field(default_factory=list)  # of Turn; empty when nobody needs to act
    action_label: str = ""
    action_url: str = ""

    @property
    def status_label(self):
        return StopStatus(self.status).label

    @property
    def icon(self):
        return STATUS_ICONS[self.status]

    @property
    def number_and_status(self):
        """"Stop 2: Done", in the page's language: the title of the stop's icon in lists (built here, not with
        ``blocktranslate`` in the template, which cost a fifth of the patient list's time)."""
        return gettext("Stop %(number)s: %(status_label)s") % {"number": self.number,
                                                                "status_label": self.status_label}

    @property
    def is_done(self):
        return self.status == StopStatus.DONE

    @property
    def turn_label(self):
        return " or ".join(str(t.label) for t in self.turns)

    def is_turn_of(self, user):
        """True when the logged-in staff member is (one of) the people whose turn it is."""
        return not self.is_done and any(t.includes(user) for t in self.turns)


@dataclass
class Pathway:
    patient: object
    stops: list
    latest_assessment: object = None  # the patient's latest recovery-capital assessment, with its version

    def stop(self, number):
        return next(s for s in self.stops if s.number.startswith(str(number)))

    @property
    def next_stop(self):
        """The first stop that needs attention, else the first one not done (None when all are done)."""
        return (next((s for s in self.stops if s.status == StopStatus.NEEDS_ATTENTION), None)
                or next((s for s in self.stops if not s.is_done), None))

    @property
    def done_count(self):
        return sum(s.is_done for s in self.stops)


# Loading -------------------------------------------------------------------------------------------

def _annotations():
    """Everything the rules need that is one value per patient, as subqueries on the patient row."""
    patient = OuterRef("pk")
    assessments = latest_assessment_first(patient)
    conversations = MutualSupportConversation.objects.filter(patient=patient).order_by("-held_on", "-id")
    scheduled = FollowUp.objects.scheduled().filter(patient=patient).order_by("due_on", "pk")
    active_barriers = Barrier.objects.filter(patient=patient, status__in=ACTIVE_BARRIER_STATUSES)
    unplanned = active_barriers.exclude(
        Exists(Intervention.objects.filter(barrier=OuterRef("pk"), status=InterventionStatus.PLANNED))
    ).order_by("noted_on", "pk")
    return {
        **plan_status_annotations(),
        "pw_wellness_plan": Exists(WellnessPlan.objects.filter(patient=patient)),
        "pw_assessment_pk": Subquery(assessments.values("pk")[:1]),
        "pw_assessment_on": Subquery(assessments.values("taken_on")[:1]),
        "pw_conversation_on": Subquery(conversations.values("held_on")[:1]),
        "pw_preferences": Exists(MatchingPreferences.objects.filter(patient=patient)),
        "pw_follow_up_pk": Subquery(scheduled.values("pk")[:1]),
        "pw_follow_up_due": Subquery(scheduled.values("due_on")[:1]),
        "pw_follow_up_done": Exists(FollowUp.objects.done().filter(patient=patient)),
        "pw_active_barriers": Exists(active_barriers),
        "pw_unplanned_barrier_pk": Subquery(unplanned.values("pk")[:1]),
    }


@functools.cache
def _annotated_patients():
    """All patients with the pathway's annotations, built once per process.

    Building these subquery expressions cost more Python time than PostgreSQL took to run the query for one
    patient (about 14 ms a page, profiled on the benchmark clinic). They depend on no date, user, clinic or
    request (the clinic's time zone enters when the query is compiled), so every caller starts from a copy
    (``.all()``), as Django's class-based views do with their ``queryset`` attribute. Never evaluated itself."""
    return with_participation(Patient.objects.annotate(**_annotations()), prefix=PARTICIPATION)


def annotate_pathway():
    """Patients (unscoped: the caller scopes them) with everything the rules need that is one value per patient,
    in the same query. For a page's patients, ``patients_with_pathway`` runs the same query without compiling it
    each time."""
    return _annotated_patients().all()


def _sentinels(count):
    return [-1_000_000_000 - n for n in range(count)]  # no patient has a negative id


@dataclass(frozen=True)
class _CompiledPathwayQuery:
    """``annotate_pathway()`` for ``count`` patient ids, as SQL: the ids go at ``id_positions`` of ``params``."""

    sql: str
    params: tuple
    id_positions: tuple
    converters: list  # [(column, ([converter], expression))], as Django's compiler applies them
    init_list: list  # the model's attribute names, in the order of the row's model columns
    model_columns: slice
    annotation_columns: dict  # annotation name -> column

    @classmethod
    def compile(cls, alias, count):
        sentinels = _sentinels(count)
        compiler = annotate_pathway().filter(pk__in=sentinels).order_by().query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if not all(params.count(s) == 1 for s in sentinels):
            raise RuntimeError("Each patient id must be exactly one parameter of the pathway query.")
        start, end = compiler.klass_info["select_fields"][0], compiler.klass_info["select_fields"][-1] + 1
        return cls(
            sql=sql, params=tuple(params), id_positions=tuple(params.index(s) for s in sentinels),
            converters=list(compiler.get_converters([c[0] for c in compiler.select[:compiler.col_count]]).items()),
            init_list=[c[0].target.attname for c in compiler.select[start:end]], model_columns=slice(start, end),
            annotation_columns=dict(compiler.annotation_col_map),
        )

    def run(self, alias, ids):
        params = list(self.params)
        for position, pk in zip(self.id_positions, ids, strict=True):
            params[position] = pk
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        patients = []
        for row in map(list, rows):
            for column, (converters, expression) in self.converters:
                for convert in converters:
                    row[column] = convert(row[column], expression, connection)
            patient = Patient.from_db(alias, self.init_list, row[self.model_columns])
            for name, column in self.annotation_columns.items():
                setattr(patient, name, row[column])
            patients.append(patient)
        return patients


@functools.lru_cache(maxsize=256)
def _compiled(alias, time_zone, count):
    """Compiled once per process, database, time zone (dates of timestamps are taken in the clinic's zone) and
    number of ids: compiling the query cost about 10 ms of Python, running it for one patient under 1 ms."""
    return _CompiledPathwayQuery.compile(alias, count)


def _with_facts(ids):
    alias = router.db_for_read(Patient)
    by_pk = {p.pk: p for p in _compiled(alias, timezone.get_current_timezone_name(), len(ids)).run(alias, ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def patients_with_pathway(ids):
    """The patients with these ids (which the caller scoped), in that order, with the pathway's annotations
    (``annotate_pathway``) and their care teams: two queries."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    patients = _with_facts(ids)
    # Each patient's care team with the staff members, as ``PatientQuerySet.with_care_team`` prefetches it.
    prefetch_related_objects(patients, Prefetch("care_team", queryset=CareTeamMember.objects.select_related("staff")))
    return patients


def pathway_facts(patient):
    """``patient`` (loaded through ``patient_for_request``) with the pathway's annotations set: one query."""
    loaded = _with_facts([patient.pk])[0]
    for name in _annotated_patients().query.annotations:
        setattr(patient, name, getattr(loaded, name))
    return patient


def pathway_for_patients(queryset, today):
    """``{patient.pk: Pathway}`` for every patient of ``queryset`` (which the caller scoped with
    ``Patient.objects.visible_to``), in a fixed number of queries, through the ORM (the pages use
    ``patients_with_pathway``; a test checks that both give the same facts)."""
    patients = list(annotate_pathway().filter(pk__in=queryset.values("pk")).with_care_team())
    return build_pathways(patients, today)


@dataclass
class _Related:
    """Rows of other tables for a group of patients, keyed by patient id."""

    referrals: dict
    latest_assessment: dict  # patient id -> the latest assessment
    gaps: dict  # patient id -> [Gap] of that assessment


def referral_rows(referrals):
    """The rows the rules read (``_load_related``), made from referrals of one patient already loaded with their
    program and meeting, in their default order (the latest status change first): the patient's own only."""
    return [{"pk": r.pk, "patient_id": r.patient_id, "status": r.status, "program__name": r.program.name,
             "meeting__name": r.meeting.name if r.meeting_id else None}
            for r in referrals if not r.for_someone_close]


def _load_related(patients, referral_rows=None):
    ids = [p.pk for p in patients]
    referrals = defaultdict(list)
    if referral_rows is not None:
        referrals.update(referral_rows)
    elif ids:
        rows = (Referral.objects.filter(patient_id__in=ids).the_patients_own()
                .values("pk", "patient_id", "status", "program__name", "meeting__name")
                .order_by("-status_changed_at", "-pk"))
        for row in rows:
            referrals[row["patient_id"]].append(row)
    assessment_ids = [p.pw_assessment_pk for p in patients if p.pw_assessment_pk]
    # With their questionnaire versions: the gaps' labels and the patient page's Stop 2 read them.
    assessments = list(RecoveryCapitalAssessment.objects.filter(pk__in=assessment_ids)
                       .select_related("version").order_by()) if assessment_ids else []  # one a patient: no order
    gaps = gaps_of(assessments)
    return _Related(referrals=referrals, latest_assessment={a.patient_id: a for a in assessments},
                    gaps={a.patient_id: gaps[a.pk] for a in assessments})


def build_pathways(patients, today, *, referrals=None):
    """Pathways of patients loaded through ``patients_with_pathway`` (or with ``pathway_facts`` and their care team).
    ``referrals``, ``{patient id: referral_rows(...)}`` for every patient, when the caller loaded them already (the
    patient page's Stop 3 and 4 do): one query fewer."""
    related = _load_related(patients, referrals)
    return {p.pk: Pathway(p, _stops(p, related, today), related.latest_assessment.get(p.pk)) for p in patients}


# The rules -----------------------------------------------------------------------------------------

def _team(patient, role):
    return Turn(role, patient.care_team_with_role(role))


def _stops(patient, related, today):
    lead = stop3_lead(patient)
    referrals = related.referrals.get(patient.pk, [])
    return [
        stop1(patient, today),
        stop2(patient, related.gaps.get(patient.pk, []), related.latest_assessment.get(patient.pk), today),
        stop3(patient, lead),
        stop4(patient, lead, referrals),
        stop5(patient, referrals, today),
    ]


def stop1(patient, today):
    title = _("Treatment plan")
    turn = [_team(patient, Role.CLINICIAN)]
    plan_url = patient_url("patients:plan", patient)
    if patient.plan_signed_number is None:
        if patient.plan_draft_number is not None:
            return Stop("1", title, StopStatus.IN_PROGRESS,
                        gettext("Version %(number)s is a draft; nothing is signed yet.")
                        % {"number": patient.plan_draft_number}, turn,
                        _("Finish and sign the draft"), plan_url)
        return Stop("1", title, StopStatus.NOT_STARTED, _("No treatment plan yet."), turn,
                    _("Start the treatment plan"), plan_url)
    review = patient.plan_next_review_date
    if review_is_due(review, today):
        if review == today:
            reason = gettext("Version %(number)s is due for review today.") % {"number": patient.plan_signed_number}
        else:
            reason = gettext("Version %(number)s is due for review since %(day)s.") % {
                "number": patient.plan_signed_number, "day": day(review)}
        if patient.plan_draft_number is not None:
            reason += " " + gettext("A revision (version %(number)s) is being drafted.") % {
                "number": patient.plan_draft_number}
        return Stop("1", title, StopStatus.NEEDS_ATTENTION, reason, turn, _("Review the plan"), plan_url)
    return Stop("1", title, StopStatus.DONE,
                gettext("Version %(number)s signed %(signed)s; next review %(review)s.") % {
                    "number": patient.plan_signed_number, "signed": day(timezone.localdate(patient.plan_signed_at)),
                    "review": day(review)}, [], _("Open the plan"), plan_url)


def _stop2_turn(patient):
    peers = patient.care_team_with_role(Role.PEER_SPECIALIST)
    if peers:
        return [Turn(Role.PEER_SPECIALIST, peers)]
    team = [t for t in (_team(patient, Role.CLINICIAN), _team(patient, Role.CASE_MANAGER)) if t.people]
    return team or [Turn(Role.PEER_SPECIALIST)]


def stop2(patient, gaps, latest, today):
    title = _("Wellness plan and recovery capital")
    turn = _stop2_turn(patient)
    has_plan = patient.pw_wellness_plan
    taken_on = patient.pw_assessment_on
    fresh = taken_on is not None and (today - taken_on).days <= ASSESSMENT_FRESH_DAYS
    unanswered = [gap.label for gap in gaps if not gap.has_goal]
    if unanswered:
        what = ", ".join(unanswered)
        return Stop("2", title, StopStatus.NEEDS_ATTENTION,
                    ngettext("Recovery-capital gap with no goal yet: %(what)s.",
                             "Recovery-capital gaps with no goal yet: %(what)s.", len(unanswered)) % {"what": what},
                    turn, _("Turn the gaps into goals"),
                    patient_url("wellness:assessment_detail", patient, latest.pk))
    if has_plan and fresh:
        return Stop("2", title, StopStatus.DONE,
                    gettext("Wellness plan in place; recovery capital assessed %(day)s.") % {"day": day(taken_on)}, [],
                    _("Open the wellness plan"), patient_url("wellness:plan", patient))
    if not has_plan and taken_on is None:
        return Stop("2", title, StopStatus.NOT_STARTED, _("No wellness plan and no recovery-capital assessment yet."),
                    turn, _("Start the wellness plan together"), patient_url("wellness:plan_edit", patient))
    if not has_plan:
        return Stop("2", title, StopStatus.IN_PROGRESS,
                    gettext("Recovery capital assessed %(day)s; no wellness plan yet.") % {"day": day(taken_on)}, turn,
                    _("Start the wellness plan together"), patient_url("wellness:plan_edit", patient))
    if taken_on is None:
        reason = _("Wellness plan started; recovery capital not assessed yet.")
    else:
        reason = gettext("Wellness plan started; the last assessment (%(day)s) is more than %(fresh)s days old.") % {
            "day": day(taken_on), "fresh": ASSESSMENT_FRESH_DAYS}
    return Stop("2", title, StopStatus.IN_PROGRESS, reason, turn, _("Assess recovery capital"),
                patient_url("wellness:assessment_new", patient))


def _lead_turns(patient, lead):
    """Stop 3a: the peer specialist(s). Stop 3b: the clinician(s) and case manager(s) on the team."""
    if lead.track == Stop3Track.PEER:
        return [Turn(Role.PEER_SPECIALIST, list(lead.leads))]
    turns = [t for t in (_team(patient, Role.CLINICIAN), _team(patient, Role.CASE_MANAGER)) if t.people]
    return turns or [Turn(Role.CLINICIAN), Turn(Role.CASE_MANAGER)]


def stop3(patient, lead):
    number = lead.track.value
    title = (_("Talk about mutual support (peer-led)") if lead.track == Stop3Track.PEER
             else _("Talk about mutual support (clinician or case manager)"))
    turns = _lead_turns(patient, lead)
    talked_on = patient.pw_conversation_on
    if talked_on is None:
        if not lead.leads:
            return Stop(number, title, StopStatus.NEEDS_ATTENTION,
                        _("Nobody on the care team can lead this talk: add a peer support specialist, "
                        "clinician or case manager."), turns, _("Add someone to the care team"),
                        patient.get_absolute_url() + "#care-team-heading")
        return Stop(number, title, StopStatus.NOT_STARTED, _("No conversation about mutual support logged yet."),
                    turns, _("Log the conversation"), patient_url("referrals:conversation_new", patient))
    if not patient.plan_mutual_support:
        if patient.plan_signed_number is None:
            reason = gettext("Talked on %(day)s; no treatment plan is signed yet.") % {"day": day(talked_on)}
        else:
            reason = gettext("Talked on %(day)s; the signed treatment plan does not include mutual support yet.") % {
                "day": day(talked_on)}
        return Stop(number, title, StopStatus.IN_PROGRESS, reason,
                    [_team(patient, Role.CLINICIAN)], _("Add mutual support to the plan"),
                    patient_url("patients:plan", patient))
    return Stop(number, title, StopStatus.DONE,
                gettext("Talked on %(day)s; mutual support is part of the treatment plan.") % {"day": day(talked_on)},
                [],
                _("Open Stop 3"), patient_url("referrals:support", patient))


def _target(row):
    return row["meeting__name"] or row["program__name"]


def stop4(patient, lead, referrals):
    title = _("Mutual-support options and referral")
    turns = _lead_turns(patient, lead)
    find = patient_url("referrals:find_options", patient)
    if not referrals:
        if patient.pw_preferences:
            return Stop("4", title, StopStatus.IN_PROGRESS, _("Preferences recorded; no group suggested yet."),
                        turns, _("Find options"), find)
        return Stop("4", title, StopStatus.NOT_STARTED, _("No preferences recorded and no referral yet."), turns,
                    _("Find options"), find)
    open_rows = [r for r in referrals if r["status"] not in CLOSED_STATUSES]
    if not open_rows:
        return Stop("4", title, StopStatus.NEEDS_ATTENTION,
                    gettext("All %(count)s referrals were declined or stopped.") % {"count": len(referrals)}
                    if len(referrals) > 1 else gettext("The only referral was declined or stopped."),
                    turns, _("Find other options"), find)
    furthest = max(open_rows, key=lambda r: PATH.index(r["status"]))
    label = ReferralStatus(furthest["status"]).label.lower()
    detail = patient_url("referrals:referral_detail", patient, furthest["pk"])
    if furthest["status"] in REFERRED_OR_FURTHER:
        return Stop("4", title, StopStatus.DONE, gettext("%(target)s: %(status)s.") % {
                    "target": _target(furthest), "status": label}, [], _("Open the referral"),
                    detail)
    return Stop("4", title, StopStatus.IN_PROGRESS, gettext("%(target)s: %(status)s, not referred yet.") % {
                "target": _target(furthest), "status": label}, turns,
                _("Move the referral on"), detail)


def _stop5_turns(patient):
    turns = [t for t in (_team(patient, Role.CASE_MANAGER),) if t.people]
    return turns or [Turn(Role.CASE_MANAGER)]


def stop5(patient, referrals, today):
    title = _("Barriers and follow-up")
    turns = _stop5_turns(patient)
    due = patient.pw_follow_up_due
    if due is not None and due < today:
        overdue = gettext("The follow-up due %(day)s is overdue.") % {"day": day(due)}
        return Stop("5", title, StopStatus.NEEDS_ATTENTION, overdue, turns,
                    _("Log the follow-up"), patient_url("referrals:follow_up_log", patient, patient.pw_follow_up_pk))
    if patient.pw_unplanned_barrier_pk is not None:
        return Stop("5", title, StopStatus.NEEDS_ATTENTION, _("A barrier is open with nothing planned about it."),
                    turns, _("Plan help with the barrier"),
                    patient_url("referrals:barrier_detail", patient, patient.pw_unplanned_barrier_pk))
    participation = participation_of(patient, today, prefix=PARTICIPATION)
    if participation.lapsed:
        reason = gettext("No meeting reported since %(day)s.") % {"day": day(participation.last_meeting_on)}
        if participation.not_reached:
            reason += " " + gettext("Not reached after %(count)s tries.") % {"count": participation.failed_attempts}
        if patient.pw_follow_up_pk is not None:
            action, url = _("Log the next follow-up"), patient_url("referrals:follow_up_log", patient,
                                                                   patient.pw_follow_up_pk)
        else:
            action, url = _("Log a follow-up"), patient_url("referrals:follow_up_log_new", patient)
        return Stop("5", title, StopStatus.NEEDS_ATTENTION, reason, turns, action, url)
    statuses = {r["status"] for r in referrals}
    next_follow_up = " " + gettext("Next follow-up %(day)s.") % {"day": day(due)} if due is not None else ""
    if statuses & ATTENDED_OR_FURTHER and not patient.pw_active_barriers:
        went = (gettext("Engaged with a group; no barrier open.") if ReferralStatus.ENGAGED in statuses
                else gettext("First meeting attended; no barrier open."))
        return Stop("5", title, StopStatus.DONE, went + next_follow_up, [],
                    _("Follow-ups and engagement"), patient_url("referrals:follow_up_list", patient))
    started = statuses & REFERRED_OR_FURTHER or due is not None or patient.pw_follow_up_done \
        or patient.pw_active_barriers
    if not started:
        return Stop("5", title, StopStatus.NOT_STARTED, _("Starts once the patient is referred to a group."), [],
                    _("Follow-ups and engagement"), patient_url("referrals:follow_up_list", patient))
    if patient.pw_active_barriers:
        reason = _("A barrier is being worked on.")
        action, url = _("See the barriers"), patient_url("referrals:barrier_list", patient)
    elif statuses & ATTENDED_OR_FURTHER:
        reason = _("First meeting attended.")
        action, url = _("Follow-ups and engagement"), patient_url("referrals:follow_up_list", patient)
    elif statuses & REFERRED_OR_FURTHER:
        reason = _("Referred; the first meeting is still to come.")
        action, url = _("Log a follow-up"), patient_url("referrals:follow_up_log_new", patient)
    else:
        reason = _("Follow-ups under way; no referral is active.")
        action, url = _("Follow-ups and engagement"), patient_url("referrals:follow_up_list", patient)
    if due is not None:
        action = _("Log the next follow-up")
        url = patient_url("referrals:follow_up_log", patient, patient.pw_follow_up_pk)
    return Stop("5", title, StopStatus.IN_PROGRESS, reason + next_follow_up, turns, action, url)


# The same rules in SQL, for lists of patients ---------------------------------------------------------

@dataclass(frozen=True)
class PathwayFilter:
    key: str
    label: str
    stop: str  # "1" ... "5" ("3" is 3a or 3b)
    statuses: frozenset  # the statuses of that stop the filter finds
    condition: object  # (today) -> Q on patients

    def q(self, today):
        return self.condition(today)


def _versions():
    return PlanVersion.objects.filter(plan__patient=OuterRef("pk"))


def _in_force():
    return PlanVersion.objects.in_force().filter(plan__patient=OuterRef("pk"))


def _referrals():
    return Referral.objects.filter(patient=OuterRef("pk"))


def _conversations():
    return MutualSupportConversation.objects.filter(patient=OuterRef("pk"))


def _stop5_needs_attention(today):
    unplanned = Barrier.objects.filter(patient=OuterRef("pk"), status__in=ACTIVE_BARRIER_STATUSES).exclude(
        Exists(Intervention.objects.filter(barrier=OuterRef("pk"), status=InterventionStatus.PLANNED)))
    overdue = FollowUp.objects.scheduled().filter(patient=OuterRef("pk"), due_on__lt=today)
    return Q(Exists(overdue)) | Q(Exists(unplanned))


def _open_referrals():
    return _referrals().exclude(status__in=CLOSED_STATUSES)


_S = StopStatus
PATHWAY_FILTERS = {f.key: f for f in [
    PathwayFilter("stop1-no-signed-plan", "Stop 1: no signed treatment plan", "1",
                  frozenset({_S.NOT_STARTED, _S.IN_PROGRESS}), lambda today: ~Q(Exists(_versions().signed()))),
    PathwayFilter("stop1-review-due", "Stop 1 needs attention: plan review due", "1",
                  frozenset({_S.NEEDS_ATTENTION}),
                  lambda today: Q(Exists(_in_force().filter(review_is_due_q(today, field="next_review_date"))))),
    PathwayFilter("stop2-needs-attention", "Stop 2 needs attention: a gap with no goal", "2",
                  frozenset({_S.NEEDS_ATTENTION}),
                  lambda today: Q(Exists(latest_assessments().filter(patient=OuterRef("pk")).filter(
                      UnansweredGap("gap_domains", "patient_id"))))),
    PathwayFilter("stop2-not-started", "Stop 2 not started: no wellness plan or assessment", "2",
                  frozenset({_S.NOT_STARTED}),
                  lambda today: ~Q(Exists(WellnessPlan.objects.filter(patient=OuterRef("pk"))))
                  & ~Q(Exists(RecoveryCapitalAssessment.objects.filter(patient=OuterRef("pk"))))),
    PathwayFilter("stop3-no-conversation", "Stop 3: no conversation about mutual support yet", "3",
                  frozenset({_S.NOT_STARTED, _S.NEEDS_ATTENTION}), lambda today: ~Q(Exists(_conversations()))),
    PathwayFilter("stop3-nobody-can-lead", "Stop 3 needs attention: nobody on the care team can lead", "3",
                  frozenset({_S.NEEDS_ATTENTION}),
                  lambda today: ~Q(Exists(_conversations()))
                  & ~Q(Exists(CareTeamMember.objects.filter(patient=OuterRef("pk"))))),
    PathwayFilter("stop4-not-referred", "Stop 4: not referred yet", "4",
                  frozenset({_S.NOT_STARTED, _S.IN_PROGRESS, _S.NEEDS_ATTENTION}),
                  lambda today: ~Q(Exists(_open_referrals().filter(status__in=REFERRED_OR_FURTHER)))),
    PathwayFilter("stop4-needs-attention", "Stop 4 needs attention: every referral declined or stopped", "4",
                  frozenset({_S.NEEDS_ATTENTION}),
                  lambda today: Q(Exists(_referrals())) & ~Q(Exists(_open_referrals()))),
    PathwayFilter("stop5-needs-attention", "Stop 5 needs attention: a follow-up overdue or a barrier with no plan",
                  "5", frozenset({_S.NEEDS_ATTENTION}), _stop5_needs_attention),
    PathwayFilter("stop5-done", "Stop 5 done: went to a group, no barrier open", "5", frozenset({_S.DONE}),
                  lambda today: ~_stop5_needs_attention(today)
                  & Q(Exists(_referrals().filter(status__in=ATTENDED_OR_FURTHER)))
                  & ~Q(Exists(Barrier.objects.filter(patient=OuterRef("pk"), status__in=ACTIVE_BARRIER_STATUSES)))),
]}
