"""A directory each clinic can own without touching other clinics: shared program facts stay with site
administrators; a clinic admin adds clinic notes and the clinic's own programs, which only that clinic sees and
which are matched and exported like shared ones. One clinic's notes and programs never reach another."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from referrals.models import Meeting, MeetingAttendance, Program, ProgramGroup, ProgramNote

from .factories.patients import TEST_PASSWORD, PatientFactory, StaffFactory
from .factories.referrals.conversations import ReferralFactory
from .factories.referrals.directory import MatchingPreferencesFactory, MeetingFactory
from .factories.security import code_now, site_administrator, with_two_factor

pytestmark = pytest.mark.django_db

OWN_PROGRAM = {
    "name": "Harbor Lights Talking Circle", "group": ProgramGroup.PEER_RUN_CENTER,
    "description": "A weekly circle at the Harbor Lights community center, open to anyone in recovery.",
    "description_source": "Visited by Riverbend peer staff, 2026-10", "website": "",
    "drinking_approach": "varies", "spiritual_content": "some", "audience": "anyone", "cultural_focus": "",
    "medication_welcome": "welcoming", "medication_note": "The host told us people on medication are welcome.",
    "medication_source": "Circle host, asked by Jordan Lee (2026-10)", "offers_in_person": "on",
    "first_meeting": "Sit where you like; the host explains the circle.\nYou may pass when the stone comes to you.",
    "reviewed_on": "2026-10-15",
}


@pytest.fixture
def programs(db):
    call_command("load_programs", stdout=None)
    return {p.slug: p for p in Program.objects.all()}


@pytest.fixture
def other_admin(other_clinic):
    return StaffFactory(clinic=other_clinic, roles=["clinic_admin"])


def add_own_program(client, **overrides):
    return client.post(reverse("referrals:program_new"), {**OWN_PROGRAM, **overrides})


def test_a_clinic_admin_adds_a_program_only_their_clinic_sees(programs, login, clinic_admin, peer, other_admin):
    client = login(clinic_admin)
    response = add_own_program(client)
    own = Program.objects.get(name="Harbor Lights Talking Circle")
    assert response.url == own.get_absolute_url()
    assert (own.clinic, own.updated_by, own.is_shared) == (clinic_admin.clinic, clinic_admin, False)
    assert own.slug.startswith(f"c{clinic_admin.clinic_id}-harbor-lights")
    assert own.first_meeting_lines == ["Sit where you like; the host explains the circle.",
                                       "You may pass when the stone comes to you."]

    # Everyone at the clinic sees it in the directory, marked as the clinic's own, with its guide.
    page = login(peer).get(reverse("referrals:directory")).content.decode()
    assert "Harbor Lights Talking Circle" in page and "own program" in page
    detail = login(peer).get(own.get_absolute_url()).content.decode()
    assert "You may pass when the stone comes to you." in detail

    # Another clinic never does: not in its directory, a 404 by address, not offered in its forms.
    other = login(other_admin)
    assert "Harbor Lights" not in other.get(reverse("referrals:directory")).content.decode()
    for name in ("referrals:program_detail", "referrals:program_edit", "referrals:meeting_export"):
        assert other.get(reverse(name, args=[own.slug])).status_code == 404
    for name in ("referrals:meeting_import", "referrals:meeting_new", "referrals:meeting_list"):
        assert "Harbor Lights" not in other.get(reverse(name)).content.decode(), name


def test_the_clinics_own_program_is_matched_and_referred_like_a_shared_one(programs, login, clinic, peer,
                                                                             clinic_admin):
    add_own_program(login(clinic_admin))
    own = Program.objects.get(name="Harbor Lights Talking Circle")
    MeetingFactory(clinic=clinic, program=own, name="Harbor Lights Tuesday circle")
    patient = PatientFactory(clinic=clinic)
    MatchingPreferencesFactory(patient=patient, on_maud=True)
    client = login(peer)
    options = client.get(reverse("referrals:find_options", args=[patient.public_id])).context["options"]
    circle = next(o for o in options.programs if o.item == own)
    assert "Known to welcome people who take medication for alcohol use disorder" in circle.fits
    assert "Harbor Lights Tuesday circle" in [o.item.name for o in options.meetings]
    response = client.post(reverse("referrals:referral_new", args=[patient.public_id]),
                           {"program": own.pk, "status": "suggested"})
    assert response.status_code == 302 and patient.referrals.get().program == own


def test_the_clinics_own_program_is_exported_as_a_meeting_guide_feed(programs, login, clinic, clinic_admin):
    add_own_program(login(clinic_admin))
    own = Program.objects.get(name="Harbor Lights Talking Circle")
    MeetingFactory(clinic=clinic, program=own, slug="harbor-tuesday", name="Harbor Lights Tuesday circle")
    feed = login(clinic_admin).get(reverse("referrals:meeting_export", args=[own.slug])).json()
    assert [entry["slug"] for entry in feed] == ["harbor-tuesday"]


def test_another_clinics_patient_cannot_be_referred_to_it(programs, login, clinic_admin, other_clinic):
    add_own_program(login(clinic_admin))
    own = Program.objects.get(name="Harbor Lights Talking Circle")
    stranger = PatientFactory(clinic=other_clinic)
    with pytest.raises(Exception, match="not in your clinic's directory"):
        ReferralFactory(patient=stranger, program=own, referred_by=StaffFactory(clinic=other_clinic))


@pytest.mark.parametrize("overrides, message", [
    ({"name": "SMART Recovery"}, "add a clinic note to it instead"),
    ({"medication_source": ""}, "Say where this comes from"),
    ({"description_source": ""}, "Say where the description comes from"),
    ({"group": "not-a-group"}, "Select a valid choice"),
])
def test_a_program_that_cannot_be_right_is_refused_with_the_typing_kept(programs, login, clinic_admin, overrides,
                                                                          message):
    response = add_own_program(login(clinic_admin), **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "A weekly circle at the Harbor Lights community center" in response.content.decode()
    assert not Program.objects.filter(clinic__isnull=False).exists()


def test_two_clinics_may_each_keep_a_program_of_the_same_name(programs, login, clinic_admin, other_admin):
    add_own_program(login(clinic_admin))
    response = add_own_program(login(other_admin))
    assert response.status_code == 302
    assert Program.objects.filter(name="Harbor Lights Talking Circle").count() == 2
    again = add_own_program(login(other_admin))
    assert "already has a program called" in again.content.decode()


def test_a_clinic_note_sits_next_to_the_shared_facts_for_that_clinic_only(programs, login, clinic_admin, peer,
                                                                            other_admin):
    url = reverse("referrals:program_note", args=["alcoholics-anonymous"])
    client = login(clinic_admin)
    assert "Write a local contact or a note" in client.post(url, {"local_contact": "", "note": ""}).content.decode()
    client.post(url, {"local_contact": "Springfield Intergroup, (217) 555-0142",
                      "note": "The Thursday Big Book group told us members on naltrexone are welcome (2026-09)."})
    note = ProgramNote.objects.get()
    assert (note.clinic, note.program.slug, note.updated_by) == (clinic_admin.clinic, "alcoholics-anonymous",
                                                                 clinic_admin)
    aa = Program.objects.get(slug="alcoholics-anonymous")
    assert aa.medication_note.startswith("A.A.'s own pamphlet")  # the shared facts are untouched

    ours = login(peer).get(aa.get_absolute_url()).content.decode()
    assert "Springfield Intergroup, (217) 555-0142" in ours and "own pamphlet says no member" in ours
    assert "Springfield Intergroup" in login(peer).get(reverse("referrals:directory")).content.decode()
    theirs = login(other_admin)
    assert "Springfield Intergroup" not in theirs.get(aa.get_absolute_url()).content.decode()
    assert "Springfield Intergroup" not in theirs.get(reverse("referrals:directory")).content.decode()
    # Editing another clinic's note is editing one's own: the other clinic starts its own empty note.
    form = theirs.get(url).context["form"]
    assert form.instance.pk is None


def test_notes_are_only_for_shared_programs_and_by_clinic_admins(programs, login, clinic_admin, peer):
    add_own_program(login(clinic_admin))
    own = Program.objects.get(name="Harbor Lights Talking Circle")
    assert login(clinic_admin).get(reverse("referrals:program_note", args=[own.slug])).status_code == 404
    assert login(peer).get(reverse("referrals:program_note", args=["hams"])).status_code == 403


def test_site_administrators_keep_the_shared_facts_in_django_admin(programs, client):
    superuser = site_administrator()
    device, _ = with_two_factor(superuser)
    client.post(reverse("admin:login"), {"username": superuser.username, "password": TEST_PASSWORD})
    client.post("/accounts/two-factor/verify/", {"code": code_now(device)})
    response = client.get(reverse("admin:referrals_program_change", args=[programs["hams"].pk]))
    assert response.status_code == 200 and "HAMS" in response.content.decode()


def test_a_meeting_of_a_clinic_program_cannot_sit_in_another_clinics_list(programs, login, clinic_admin,
                                                                          other_admin):
    add_own_program(login(clinic_admin))
    own = Program.objects.get(name="Harbor Lights Talking Circle")
    response = login(other_admin).post(reverse("referrals:meeting_new"), {
        "program": own.pk, "name": "Sneaky", "days": ["2"], "start_time": "19:00", "time_zone": "America/Chicago",
        "formatted_address": "1 Main St", "language": "English"})
    assert response.status_code == 400
    assert not Meeting.objects.filter(name="Sneaky").exists()
    assert MeetingAttendance.IN_PERSON  # the form refused the program itself, not the place
