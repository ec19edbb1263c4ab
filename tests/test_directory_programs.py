"""The directory of programs: loaded from the data file (every fact with its source), shown in the pathway's five
groups, maintained by site administrators; clinics add notes and their own programs (tests/test_clinic_directory.py)."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from referrals.directory.programs_data import read_programs, unsourced_facts
from referrals.models import (
    Audience,
    CulturalFocus,
    DrinkingApproach,
    MedicationWelcome,
    Program,
    ProgramGroup,
)

from .factories.referrals.directory import MeetingFactory, ProgramFactory

pytestmark = pytest.mark.django_db

NAMED_BY_THE_PATHWAY = {
    ProgramGroup.TWELVE_STEP: {"Alcoholics Anonymous", "Al-Anon"},
    ProgramGroup.SECULAR: {"Harm Reduction Works", "HAMS", "SMART Recovery", "Wellbriety",
                           "LifeRing Secular Recovery", "Women for Sobriety"},
    ProgramGroup.FAITH_BASED: {"Celebrate Recovery", "Recovery Alive", "Recovery Dharma"},
    ProgramGroup.PEER_RUN_CENTER: {"Recovery community organizations (RCOs)"},
    ProgramGroup.ONLINE_APP: {"In The Rooms", "Sober Grid", "WEconnect"},
}


@pytest.fixture
def programs(db):
    call_command("load_programs", stdout=None)
    return {p.slug: p for p in Program.objects.all()}


def test_all_fifteen_programs_are_loaded_in_the_pathways_groups(programs):
    loaded = {}
    for program in Program.objects.all():
        loaded.setdefault(program.group, set()).add(program.name)
    assert loaded == NAMED_BY_THE_PATHWAY
    assert len(programs) == 15


def test_the_facts_the_pathway_insists_on(programs):
    assert programs["al-anon"].audience == Audience.FAMILY_AND_FRIENDS
    assert programs["hams"].drinking_approach == DrinkingApproach.REDUCED_ACCEPTED
    assert programs["harm-reduction-works"].drinking_approach == DrinkingApproach.REDUCED_ACCEPTED
    assert programs["women-for-sobriety"].audience == Audience.WOMEN
    assert programs["wellbriety"].cultural_focus == CulturalFocus.NATIVE
    assert programs["alcoholics-anonymous"].drinking_approach == DrinkingApproach.ABSTINENCE


def test_every_fact_of_the_data_file_has_a_source_or_says_it_is_not_known():
    entries, reviewed = read_programs()
    assert reviewed is not None
    for entry in entries:
        assert unsourced_facts(entry) == [], entry["slug"]
        assert entry["medication_note"] and entry["description"] and entry["first_meeting"], entry["slug"]
        if entry["medication_welcome"] == MedicationWelcome.WELCOMING:
            assert entry["sources"]["medication_welcome"], entry["slug"]


def test_an_entry_without_a_source_is_refused_and_nothing_is_loaded(tmp_path):
    entries, _ = read_programs()
    broken = [dict(entries[0]), dict(entries[1], sources={**entries[1]["sources"], "drinking_approach": []})]
    broken[0]["not_known"] = {}
    broken[0]["sources"] = {k: v for k, v in broken[0]["sources"].items() if k != "formats"}
    path = tmp_path / "programs.json"
    path.write_text(json.dumps({"reviewed_on": "2026-11-29", "programs": broken}), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_programs", "--file", str(path))
    assert "alcoholics-anonymous: formats has no source" in str(error.value)
    assert "al-anon: drinking_approach has no source" in str(error.value)
    assert not Program.objects.exists()


def test_loading_again_keeps_site_admin_edits_unless_asked_to_overwrite(programs, capsys):
    Program.objects.filter(slug="hams").update(medication_note="Asked the HAMS chat host, 2026-03.")
    call_command("load_programs")
    assert Program.objects.count() == 15
    assert Program.objects.get(slug="hams").medication_note == "Asked the HAMS chat host, 2026-03."
    assert "15 kept" in capsys.readouterr().out
    call_command("load_programs", "--overwrite")
    assert Program.objects.get(slug="hams").medication_note.startswith("HAMS publishes its own page on using")


def test_staff_see_the_directory_in_five_groups_with_local_meeting_counts(programs, clinic, other_clinic, peer, login):
    MeetingFactory.create_batch(2, clinic=clinic, program=programs["smart-recovery"])
    MeetingFactory(clinic=other_clinic, program=programs["smart-recovery"])
    MeetingFactory(clinic=clinic, program=programs["smart-recovery"], is_active=False)
    response = login(peer).get(reverse("referrals:directory"))
    assert response.status_code == 200
    html = response.content.decode()
    for group in ProgramGroup:
        assert f">{group.label}</h2>" in html
    for names in NAMED_BY_THE_PATHWAY.values():
        for name in names:
            assert name in html
    smart = next(p for _, items in response.context["groups"] for p in items if p.slug == "smart-recovery")
    assert smart.meeting_count == 2
    assert "For family and friends" in html


def test_directory_page_query_count_does_not_grow_with_meetings(programs, clinic, peer, login,
                                                                 django_assert_max_num_queries):
    client = login(peer)
    MeetingFactory(clinic=clinic, program=programs["alcoholics-anonymous"])
    with django_assert_max_num_queries(8):  # with the clinic's welcome ratings (two queries)
        client.get(reverse("referrals:directory"))
    for program in programs.values():
        MeetingFactory.create_batch(3, clinic=clinic, program=program)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("referrals:directory")).status_code == 200


def test_program_page_shows_facts_source_and_query_count_is_flat(programs, clinic, peer, login,
                                                                  django_assert_max_num_queries):
    client = login(peer)
    url = reverse("referrals:program_detail", args=["smart-recovery"])
    MeetingFactory(clinic=clinic, program=programs["smart-recovery"])
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert "Known to welcome" not in response.content.decode()  # facts, not matching reasons
    assert "smartrecovery.org" in response.content.decode()
    MeetingFactory.create_batch(40, clinic=clinic, program=programs["smart-recovery"])
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert response.context["page"].paginator.count == 41


def test_shared_program_facts_are_not_edited_by_clinic_admins(programs, clinic_admin, login):
    client = login(clinic_admin)
    url = reverse("referrals:program_edit", args=["hams"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Changed", "group": "secular"}).status_code == 404
    assert Program.objects.get(slug="hams").name == "HAMS"
    page = client.get(reverse("referrals:program_detail", args=["hams"])).content.decode()
    assert "Edit program" not in page and "Add a clinic note" in page


def test_only_clinic_admins_may_edit_their_clinics_programs(programs, clinic, clinician, peer, login):
    own = ProgramFactory(clinic=clinic, slug=f"c{clinic.pk}-local-circle", name="Local circle")
    for user in (clinician, peer):
        client = login(user)
        url = reverse("referrals:program_edit", args=[own.slug])
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "Changed"}).status_code == 403
    assert Program.objects.get(pk=own.pk).name == "Local circle"


def test_directory_needs_a_login(client):
    response = client.get(reverse("referrals:directory"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_nav_has_a_directory_entry(clinician, login):
    response = login(clinician).get(reverse("home"))
    assert {"label": "Directory", "url": reverse("referrals:directory"), "active": False} in \
        response.context["nav_items"]
