"""The clinic overview: a clinic admin or clinician sees clinic-wide figures for a period."""

import datetime
import re

import pytest
from django.urls import reverse

from maud_pathways.overview import barrier_figures, maud_attendance, pathway_funnel, referral_figures
from patients.models import Patient, Role
from referrals.models import BarrierKind, BarrierStatus, ProgramGroup

from .factories.dates import days_from_today, today
from .factories.pathway import patient_with_plan, referral_reaching
from .factories.patients import PatientFactory
from .factories.referrals.barriers import BarrierFactory, DoneFollowUpFactory
from .factories.referrals.conversations import ConversationFactory
from .factories.referrals.directory import ProgramFactory
from .factories.wellness import AssessmentFactory, WellnessPlanFactory

pytestmark = pytest.mark.django_db
URL = "/overview/"


def text_of(response):
    """The page's visible words, one space between them."""
    html = response.content.decode()
    html = re.sub(r"<(title|desc)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def last_90_days():
    return today() - datetime.timedelta(days=89), today()


# The story -------------------------------------------------------------------------------------

def test_clinic_admin_opens_the_overview_from_the_menu_and_reads_the_figures(login, clinic_admin, clinician):
    assert reverse("overview") == URL
    walked = patient_with_plan(clinician)  # all five steps
    WellnessPlanFactory(patient=walked)
    ConversationFactory(patient=walked, held_by=clinician, held_by_role=Role.CLINICIAN, track="3b")
    aa = ProgramFactory(group=ProgramGroup.TWELVE_STEP)
    referral_reaching(walked, clinician, "first_meeting_attended", program=aa, days_back=3)
    DoneFollowUpFactory(patient=walked, assigned_to=clinician, done_on=days_from_today(-2), meetings_attended=2)
    BarrierFactory(patient=walked, noted_by=clinician, kind=BarrierKind.TRANSPORTATION,
                   status=BarrierStatus.RESOLVED, closed_on=days_from_today(-1))
    patient_with_plan(clinician)  # stopped at Stop 1, still on MAUD

    client = login(clinic_admin)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{URL}"' in home and "Clinic overview" in home
    response = client.get(URL)
    assert response.status_code == 200
    page = text_of(response)
    assert "Clinic overview" in page and "(the last 90 days)" in page
    funnel = response.context["funnel"]
    assert funnel.counted == 2
    assert [s.patients for s in funnel.steps] == [2, 1, 1, 1, 1]
    assert "signed by a clinician (Stop 1). 2 100% 2" in page
    assert "5. First meeting attended or engaged" in page
    assert "1 of 2 patients on MAUD attended (50%)" in page
    assert response.context["referrals"].by_group[0].count == 1  # 12-step
    assert "Transportation 1 1 (100%) 0 0" in page
    # The funnel is defined in words on the page, and says how attendance is counted.
    assert "A version of the treatment plan was signed by a clinician (Stop 1)." in page
    assert "a follow-up logged in those days reported at least one meeting attended" in page


def test_clinicians_see_it_peer_specialists_and_case_managers_do_not(login, clinician, peer, case_manager):
    assert "Clinic overview" in login(clinician).get(reverse("home")).content.decode()
    assert login(clinician).get(URL).status_code == 200
    for who in (peer, case_manager):
        client = login(who)
        assert "Clinic overview" not in client.get(reverse("home")).content.decode()
        assert client.get(URL).status_code == 403


# Patients on MAUD who went to a meeting ----------------------------------------------------------

def test_three_of_five_patients_on_maud_attended_in_the_last_30_days_is_60_percent(login, clinician):
    program = ProgramFactory()
    on_maud = [patient_with_plan(clinician) for _ in range(5)]
    # Attended: two by follow-ups reporting meetings, one by a referral reaching its first meeting.
    DoneFollowUpFactory(patient=on_maud[0], assigned_to=clinician, done_on=days_from_today(0), meetings_attended=1)
    DoneFollowUpFactory(patient=on_maud[1], assigned_to=clinician, done_on=days_from_today(-29), meetings_attended=3)
    referral_reaching(on_maud[2], clinician, "first_meeting_attended", program=program, days_back=10)
    # Not attended: a follow-up with no meetings, and meetings reported 30 days ago (outside the window).
    DoneFollowUpFactory(patient=on_maud[3], assigned_to=clinician, done_on=days_from_today(-5), meetings_attended=0)
    DoneFollowUpFactory(patient=on_maud[4], assigned_to=clinician, done_on=days_from_today(-30), meetings_attended=4)
    # Not on MAUD: considering a medication only, or no plan at all; their meetings do not count.
    considering = patient_with_plan(clinician, medication_status="considering")
    DoneFollowUpFactory(patient=considering, assigned_to=clinician, done_on=days_from_today(-1), meetings_attended=2)
    DoneFollowUpFactory(patient=PatientFactory(clinic=clinician.clinic), assigned_to=clinician,
                        done_on=days_from_today(-1), meetings_attended=2)

    attendance = maud_attendance(Patient.objects.visible_to(clinician), today())
    assert (attendance.on_maud, attendance.attended, attendance.share) == (5, 3, 60.0)
    response = login(clinician).get(URL)
    assert "3 of 5 patients on MAUD attended (60%)" in text_of(response)
    assert "Patients on MAUD 5 Went to a meeting in the 30 days 3 Share 60%" in text_of(response)


def test_the_30_days_end_on_the_last_day_of_the_period(clinician):
    patient = patient_with_plan(clinician, signed_days_ago=100)
    DoneFollowUpFactory(patient=patient, assigned_to=clinician, done_on=days_from_today(-50), meetings_attended=1)
    visible = Patient.objects.visible_to(clinician)
    assert maud_attendance(visible, today()).attended == 0
    assert maud_attendance(visible, days_from_today(-40)).attended == 1
    assert maud_attendance(visible, days_from_today(-40)).window_start == days_from_today(-69)


def test_no_patients_on_maud_shows_no_share_rather_than_zero(login, clinician):
    response = login(clinician).get(URL)
    assert response.context["attendance"].share is None
    assert "— (no patients on MAUD)" in text_of(response)


# The funnel -------------------------------------------------------------------------------------

def test_each_funnel_step_counts_patients_who_also_reached_every_step_before_it(clinician):
    program = ProgramFactory()
    full = patient_with_plan(clinician)
    AssessmentFactory(patient=full, taken_on=days_from_today(-20))
    ConversationFactory(patient=full, held_by=clinician, held_by_role=Role.CLINICIAN, track="3b",
                        held_on=days_from_today(-15))
    referral_reaching(full, clinician, "engaged", program=program, days_back=5)
    to_stop_2 = patient_with_plan(clinician)
    WellnessPlanFactory(patient=to_stop_2)
    # Referred without a signed plan: reached step 4, but is not in the funnel past step 0.
    skipped = PatientFactory(clinic=clinician.clinic)
    referral_reaching(skipped, clinician, "referred", program=program, days_back=5)
    PatientFactory(clinic=clinician.clinic)  # nothing recorded: not counted at all

    funnel = pathway_funnel(Patient.objects.visible_to(clinician), *last_90_days())
    assert funnel.counted == 3
    assert [s.patients for s in funnel.steps] == [2, 2, 1, 1, 1]
    assert [s.reached for s in funnel.steps] == [2, 2, 1, 2, 1]
    assert [s.share_of_first for s in funnel.steps] == [100.0, 100.0, 50.0, 50.0, 50.0]


def test_the_funnel_counts_patients_active_in_the_period_by_what_they_had_reached_by_its_end(clinician):
    program = ProgramFactory()
    old = patient_with_plan(clinician, signed_days_ago=200)  # nothing since: outside a 90-day period
    later = patient_with_plan(clinician, signed_days_ago=60)
    referral_reaching(later, clinician, "referred", program=program, days_back=10)
    visible = Patient.objects.visible_to(clinician)

    funnel = pathway_funnel(visible, *last_90_days())
    assert funnel.counted == 1 and funnel.steps[0].patients == 1 and funnel.steps[3].reached == 1
    # A period that ended 30 days ago: the referral had not happened yet.
    funnel = pathway_funnel(visible, days_from_today(-120), days_from_today(-30))
    assert funnel.counted == 1 and funnel.steps[0].patients == 1 and funnel.steps[3].reached == 0
    funnel = pathway_funnel(visible, days_from_today(-365), days_from_today(-150))
    assert funnel.counted == 1 and old.pk  # the old plan's signing is in this period
    assert funnel.steps[0].patients == 1


# Referrals and barriers -------------------------------------------------------------------------

def test_referrals_made_in_the_period_by_status_now_and_program_group(login, clinician):
    smart = ProgramFactory(group=ProgramGroup.SECULAR)
    aa = ProgramFactory(group=ProgramGroup.TWELVE_STEP)
    patient = PatientFactory(clinic=clinician.clinic)
    referral_reaching(patient, clinician, "referred", program=smart, days_back=3)
    referral_reaching(patient, clinician, "engaged", program=smart, days_back=3)
    referral_reaching(patient, clinician, "declined", program=aa, days_back=3)
    referral_reaching(patient, clinician, "suggested", program=aa, days_back=3)
    referral_reaching(patient, clinician, "referred", program=aa, days_back=120)  # before the period

    figures = referral_figures(Patient.objects.visible_to(clinician), *last_90_days())
    assert figures.total == 4
    by_status = {t.key: t.count for t in figures.by_status}
    assert by_status == {"suggested": 1, "discussed": 0, "referred": 1, "first_meeting_attended": 0,
                         "engaged": 1, "declined": 1, "stopped": 0}
    assert {t.key: t.count for t in figures.by_group} == {"twelve_step": 2, "secular": 2, "faith_based": 0,
                                                         "peer_run_center": 0, "online_app": 0}
    page = text_of(login(clinician).get(URL))
    assert "4 referrals made in the period" in page
    assert "12-step 1 0 0 0 0 1 0 2" in page  # suggested 1, declined 1
    assert "Secular 0 0 1 0 1 0 0 2" in page
    assert "All groups 1 0 1 0 1 1 0 4" in page


def test_other_barriers_count_under_the_name_staff_gave_them(login, clinician):
    patients = PatientFactory.create_batch(3, clinic=clinician.clinic)
    for patient, name in zip(patients, ["Housing", " housing ", "Work shifts"], strict=True):
        BarrierFactory(patient=patient, noted_by=clinician, kind=BarrierKind.OTHER, other_kind=name,
                       noted_on=days_from_today(-5))
    BarrierFactory(patient=patients[0], noted_by=clinician, kind=BarrierKind.COST, noted_on=days_from_today(-5))

    figures = barrier_figures(Patient.objects.visible_to(clinician), *last_90_days())

    # Which spelling names the row depends on the database's collation; the count does not.
    assert [(r.label.lower(), r.noted) for r in figures.rows] == [("other: housing", 2), ("cost", 1),
                                                                   ("other: work shifts", 1)]
    assert "other: housing 2" in text_of(login(clinician).get(URL)).lower()


def test_barriers_noted_in_the_period_by_kind_and_how_many_were_resolved(login, clinician):
    patient = PatientFactory(clinic=clinician.clinic)

    def barrier(kind, status=BarrierStatus.OPEN, noted=10, closed=None):
        return BarrierFactory(patient=patient, noted_by=clinician, kind=kind, status=status,
                              noted_on=days_from_today(-noted),
                              closed_on=days_from_today(-closed) if closed is not None else None,
                              other_kind="Housing" if kind == BarrierKind.OTHER else "")

    barrier(BarrierKind.TRANSPORTATION, BarrierStatus.RESOLVED, closed=2)
    barrier(BarrierKind.TRANSPORTATION, BarrierStatus.RESOLVED, closed=5)
    barrier(BarrierKind.TRANSPORTATION, BarrierStatus.BEING_ADDRESSED)
    barrier(BarrierKind.ANXIETY, BarrierStatus.CANNOT_RESOLVE_NOW, closed=1)
    barrier(BarrierKind.ANXIETY)
    barrier(BarrierKind.OTHER)
    barrier(BarrierKind.COST, noted=100)  # before the period

    figures = barrier_figures(Patient.objects.visible_to(clinician), *last_90_days())
    assert [(r.kind, r.noted, r.resolved, r.cannot_resolve, r.still_open) for r in figures.rows] == [
        ("transportation", 3, 2, 0, 1), ("anxiety", 2, 0, 1, 1), ("other", 1, 0, 0, 1)]
    assert (figures.noted, figures.resolved) == (6, 2)
    # Resolved after the end of a period does not count as resolved in it.
    earlier = barrier_figures(Patient.objects.visible_to(clinician), days_from_today(-60), days_from_today(-3))
    assert earlier.rows[0].resolved == 1
    page = text_of(login(clinician).get(URL))
    assert "6 barriers noted in the period; 2 of them were resolved" in page
    assert "Transportation 3 2 (66.7%) 0 1" in page
    assert "Transportation: 2 of 3 resolved" in response_svg(login(clinician).get(URL), "barrier-chart")


# Scoping ------------------------------------------------------------------------------------------

def test_another_clinics_patients_are_never_counted(login, clinician, outsider):
    theirs = patient_with_plan(outsider)
    DoneFollowUpFactory(patient=theirs, assigned_to=outsider, done_on=days_from_today(-1), meetings_attended=1)
    referral_reaching(theirs, outsider, "referred", program=ProgramFactory(), days_back=1)
    BarrierFactory(patient=theirs, noted_by=outsider)
    patient_with_plan(clinician)

    response = login(clinician).get(URL)
    assert response.context["funnel"].counted == 1
    assert response.context["attendance"].on_maud == 1 and response.context["attendance"].attended == 0
    assert response.context["referrals"].total == 0
    assert response.context["barriers"].noted == 0


# The period ---------------------------------------------------------------------------------------

def test_a_chosen_period_changes_the_figures_and_stays_on_the_form(login, clinician):
    patient = PatientFactory(clinic=clinician.clinic)
    BarrierFactory(patient=patient, noted_by=clinician, noted_on=days_from_today(-150))
    client = login(clinician)
    assert client.get(URL).context["barriers"].noted == 0
    since, until = days_from_today(-200), days_from_today(-100)
    response = client.get(URL, {"since": since.isoformat(), "until": until.isoformat()})
    assert response.context["barriers"].noted == 1
    assert (response.context["since"], response.context["until"]) == (since, until)
    html = response.content.decode()
    assert f'value="{since.isoformat()}"' in html and f'value="{until.isoformat()}"' in html


@pytest.mark.parametrize(("since", "until", "field", "message"), [
    (5, 10, "until", "The end must be on or after the start."),
    (10, -1, "until", "The end cannot be in the future"),
    (-3, 0, "since", "The start cannot be in the future."),
    ("2026-02-30", 0, "since", "Enter a valid date."),
    ("", 0, "since", "This field is required."),
])
def test_a_wrong_period_is_explained_next_to_the_field_and_the_last_90_days_are_shown(
    login, clinician, since, until, field, message
):
    def as_date(value):
        return days_from_today(-value).isoformat() if isinstance(value, int) else value

    response = login(clinician).get(URL, {"since": as_date(since), "until": as_date(until)})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert message in response.content.decode()
    assert (response.context["since"], response.context["until"]) == last_90_days()
    assert "Until they are fixed, the figures below are for the last 90 days." in text_of(response)
    assert f'value="{as_date(since)}"' in response.content.decode() or not as_date(since)


def test_default_period_is_the_last_90_days(login, clinician):
    response = login(clinician).get(URL)
    assert (response.context["since"], response.context["until"]) == last_90_days()
    assert not response.context["form"].errors


# Charts ------------------------------------------------------------------------------------------

def response_svg(response, chart_id):
    html = response.content.decode()
    start = html.index(f'aria-labelledby="{chart_id}-title {chart_id}-desc"')
    return html[html.rindex("<svg", 0, start): html.index("</svg>", start)]


def test_charts_are_svg_with_a_title_a_description_and_written_numbers(login, clinician):
    for _ in range(3):
        patient_with_plan(clinician)
    response = login(clinician).get(URL)
    for chart_id in ("funnel-chart", "attendance-chart", "status-chart", "group-chart"):
        svg = response_svg(response, chart_id)
        assert 'role="img"' in svg
        assert f'<title id="{chart_id}-title">' in svg and f'<desc id="{chart_id}-desc">' in svg
    funnel = response_svg(response, "funnel-chart")
    assert "step 1, Signed treatment plan: 3" in funnel  # in the description
    assert "1. Signed treatment plan: 3</text>" in funnel  # and written on the bar
    assert "0 of 3 patients on MAUD attended (0%)" in response_svg(response, "attendance-chart")
    assert "<script" not in response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


# Speed ---------------------------------------------------------------------------------------------

def _fill(clinician, n, program):
    for i in range(n):
        patient = patient_with_plan(clinician, signed_days_ago=i % 40)
        WellnessPlanFactory(patient=patient)
        ConversationFactory(patient=patient, held_by=clinician, held_by_role=Role.CLINICIAN, track="3b")
        referral_reaching(patient, clinician, ["referred", "engaged", "declined"][i % 3], program=program,
                          days_back=i % 20)
        DoneFollowUpFactory(patient=patient, assigned_to=clinician, done_on=days_from_today(-(i % 35)),
                            meetings_attended=i % 3)
        BarrierFactory(patient=patient, noted_by=clinician, kind=list(BarrierKind)[i % 9])


def test_query_count_does_not_grow_with_the_number_of_patients(login, clinician, django_assert_max_num_queries):
    program = ProgramFactory()
    _fill(clinician, 1, program)
    client = login(clinician)
    # session, user, roles; funnel, MAUD attendance, referrals, barriers
    with django_assert_max_num_queries(8) as small:
        response = client.get(URL)
    assert response.context["funnel"].counted == 1
    _fill(clinician, 14, program)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert response.context["funnel"].counted == 15
    assert response.context["referrals"].total == 15
    assert response.context["barriers"].noted == 15


@pytest.mark.skipif("postgresql" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
                    reason="PostgreSQL only")
def test_postgresql_jit_is_off_for_the_apps_connections(db):
    # JIT compiled the overview's aggregate query for seconds before running it in a fraction of one.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


# The short-lived cache of the figures (settings.OVERVIEW_CACHE_SECONDS) -------------------------------------

@pytest.fixture
def cached_figures(settings):
    from django.core.cache import caches

    settings.OVERVIEW_CACHE_SECONDS = 60
    caches["figures"].clear()
    yield
    caches["figures"].clear()


def test_figures_are_kept_a_minute_per_clinic_and_never_shown_to_another(login, cached_figures, clinician,
                                                                          outsider, django_assert_max_num_queries):
    patient_with_plan(clinician)
    client = login(clinician)
    first = client.get(reverse("overview"))
    assert first.context["funnel"].steps[0].patients == 1
    page = first.content.decode()
    assert "figures up to 60 seconds old" in page
    assert "1 patient had something on the pathway" in page
    with django_assert_max_num_queries(3):  # session, user and roles: the figures come from the cache
        again = client.get(reverse("overview"))
    assert again.content.decode().count("1 patient had something on the pathway") == 1  # the section, once
    assert again.context.get("funnel") is None  # shown from the cache: not worked out again

    other = login(outsider).get(reverse("overview"))  # another clinic: its own figures, worked out afresh
    assert other.context["funnel"].steps[0].patients == 0
    assert "0 patients had something on the pathway" in other.content.decode()
    another_period = login(clinician).get(reverse("overview"), {"since": days_from_today(-9).isoformat(),
                                                                "until": today().isoformat()})
    assert another_period.context["since"] == days_from_today(-9)


def test_the_kept_figures_are_in_each_staff_members_language(login, cached_figures, clinician, colleague):
    """The section is kept per language: a Spanish-speaking colleague opening the overview in the same minute does
    not get the English one, nor the other way round."""
    colleague.set_roles([Role.CLINICIAN])
    colleague.language = "es"
    colleague.save()
    patient_with_plan(clinician)
    english = login(clinician).get(reverse("overview")).content.decode()
    spanish = login(colleague).get(reverse("overview")).content.decode()
    assert "Where patients are on the pathway" in english
    assert "Where patients are on the pathway" not in spanish
    assert 'lang="es"' in spanish
    assert "Where patients are on the pathway" in login(clinician).get(reverse("overview")).content.decode()


def test_with_caseloads_limited_each_staff_member_has_their_own_figures(login, cached_figures, clinic, clinician,
                                                                         colleague):
    clinic.limit_to_caseload = True
    clinic.save()
    colleague.set_roles([Role.CLINICIAN])
    patient_with_plan(clinician)
    assert login(clinician).get(reverse("overview")).context["funnel"].steps[0].patients == 1
    assert login(colleague).get(reverse("overview")).context["funnel"].steps[0].patients == 0  # not in their caseload
