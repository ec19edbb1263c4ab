"""One word for one thing across pages (issue 19, item 8): the same action is labelled the same on the home page and
the case manager's queue; times read one way ("4:05 PM"); one link to edit the wellness plan's sections; an online
program is not called "online or app" twice; the specific barrier suggestions come before "Something else"."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import ProgramGroup

from .factories.dates import days_from_today
from .factories.patients import EmergencyAccessFactory, patient_with_team
from .factories.referrals.barriers import BarrierFactory, ScheduledFollowUpFactory
from .factories.referrals.directory import ProgramFactory
from .factories.wellness import WellnessPlanFactory

pytestmark = pytest.mark.django_db


def button_labels(html):
    return {re.sub(r"<span class=\"visually-hidden\">.*?</span>", "", m).strip()
            for m in re.findall(r'<a class="btn[^"]*"[^>]*>(.*?)</a>', html, re.S)}


def test_the_queue_and_the_home_page_label_logging_a_due_follow_up_the_same(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    ScheduledFollowUpFactory(patient=patient, assigned_to=case_manager, due_on=days_from_today(-2))
    client = login(case_manager)
    home = button_labels(client.get(reverse("home")).content.decode())
    queue = button_labels(client.get(reverse("referrals:case_manager_queue")).content.decode())
    assert "Log the follow-up" in home and "Log the follow-up" in queue
    assert "Log follow-up" not in queue


def test_times_read_the_same_everywhere(login, clinic_admin):
    access = EmergencyAccessFactory(patient=patient_with_team(clinic_admin.clinic), clinic=clinic_admin.clinic)
    page = login(clinic_admin).get(reverse("staff:emergency_access")).content.decode()
    until = timezone.localtime(access.expires_at)
    assert f"until {until:%-I:%M %p}" in page
    assert "a.m." not in page and "p.m." not in page


def test_the_wellness_plan_has_one_way_to_edit_its_sections(login, peer):
    patient = patient_with_team(peer=peer)
    WellnessPlanFactory(patient=patient)
    page = login(peer).get(reverse("wellness:plan", args=[patient.public_id])).content.decode()
    assert page.count(f'href="{reverse("wellness:plan_edit", args=[patient.public_id])}"') == 1


def test_an_online_program_is_not_called_online_twice(login, peer):
    patient = patient_with_team(peer=peer)
    ProgramFactory(name="In The Rooms", group=ProgramGroup.ONLINE_APP, offers_online=True, offers_app=True,
                   offers_in_person=False)
    page = login(peer).get(reverse("referrals:find_options", args=[patient.public_id])).content.decode()
    row = page[page.index(">In The Rooms</a>"):][:400]
    assert "Online or app-based" in row and "· online or app" not in row


def test_the_specific_suggestions_outrank_something_else(login, case_manager):
    patient = patient_with_team(case_manager=case_manager)
    barrier = BarrierFactory(patient=patient, owner=case_manager, noted_by=case_manager, kind="transportation")
    page = login(case_manager).get(reverse("referrals:barrier_detail", args=[patient.public_id, barrier.pk]))
    html = page.content.decode()
    something_else = re.search(r'<a class="btn ([^"]*)"[^>]*>Something else</a>', html)
    assert something_else and "btn-primary" not in something_else.group(1).split()
    assert html.index("Use this") < something_else.start()


def _section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    return html[start:html.index("</section>", start)]


def test_referrals_are_on_stop_4_where_the_pathway_puts_them(login, peer, clinician):
    from .factories.referrals.conversations import ReferralFactory
    from .factories.treatment_plans import signed_plan

    patient = patient_with_team(peer=peer, clinician=clinician)
    signed_plan(patient, clinician, drinking_goal="reduced")
    referral = ReferralFactory(patient=patient, referred_by=peer, program=ProgramFactory(name="HAMS"))
    client = login(peer)
    page = client.get(patient.get_absolute_url()).content.decode()
    stop4 = _section(page, "stop4-heading")
    assert "Stop 4 · Mutual-support options and referral" in stop4 and ">HAMS</a>" in stop4
    assert "Refer to a group" in stop4
    assert "HAMS" not in _section(page, "stop3-heading")
    assert "{#" not in page  # no template comment printed as text
    detail = client.get(reverse("referrals:referral_detail", args=[patient.public_id, referral.pk])).content.decode()
    crumbs = detail[detail.index('aria-label="Breadcrumb"'):][:800]
    assert "Stop 4" in crumbs and reverse("referrals:find_options", args=[patient.public_id]) in crumbs
    assert "Stop 3" not in crumbs
