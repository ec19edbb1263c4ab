"""Staff add, find, edit and open patients, and build their care teams."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import CareTeamMember, Patient, Role

from .factories.patients import CareTeamMemberFactory, PatientFactory, StaffFactory
from .query_budgets import HOME_MAX_QUERIES, PATIENT_LIST_MAX_QUERIES

pytestmark = pytest.mark.django_db


def patient_form_data(**overrides):
    data = {
        "first_name": "Elena", "last_name": "Ibarra", "preferred_name": "Lena", "pronouns": "she/her",
        "date_of_birth": "1988-03-14", "mrn": "RB-2001", "preferred_language": "Spanish",
        "phone": "(217) 555-0101", "email": "", "address": "", "preferred_contact": "text",
        "emergency_contact_name": "Marco Ibarra", "emergency_contact_relationship": "brother",
        "emergency_contact_phone": "(217) 555-0102",
    }
    data.update(overrides)
    return data


def test_staff_adds_a_patient_and_lands_on_their_page(login, case_manager):
    client = login(case_manager)
    response = client.post(reverse("patients:create"), patient_form_data(), follow=True)
    patient = Patient.objects.get(mrn="RB-2001")
    assert patient.clinic == case_manager.clinic
    assert patient.created_by == case_manager
    assert response.redirect_chain[-1][0] == patient.get_absolute_url()
    assert "Elena “Lena” Ibarra" in response.content.decode()
    assert str(patient.public_id) in patient.get_absolute_url()


def test_staff_edits_a_patient(login, clinician):
    patient = PatientFactory(clinic=clinician.clinic, mrn="RB-2001")
    client = login(clinician)
    client.post(reverse("patients:edit", args=[patient.public_id]),
                patient_form_data(preferred_contact="do_not_contact", phone=""))
    patient.refresh_from_db()
    assert patient.first_name == "Elena" and patient.preferred_contact == "do_not_contact"
    assert patient.updated_by == clinician


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": "1988-02-31"}, "date_of_birth", "Enter a valid date"),
        ({"first_name": ""}, "first_name", "This field is required"),
        ({"last_name": "x" * 101}, "last_name", "at most 100 characters"),
        ({"preferred_contact": "email", "email": ""}, "email", "Add an e-mail address"),
        ({"preferred_contact": "carrier-pigeon"}, "preferred_contact", "Select a valid choice"),
    ],
)
def test_bad_patient_input_is_refused_with_a_message_and_keeps_what_was_typed(
    login, clinician, overrides, field, message
):
    client = login(clinician)
    response = client.post(reverse("patients:create"), patient_form_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'value="Marco Ibarra"' in response.content.decode()  # the rest of what was typed is kept
    assert not Patient.objects.exists()


def test_duplicate_mrn_is_refused_within_a_clinic_but_allowed_across_clinics(login, clinician, other_clinic):
    PatientFactory(clinic=clinician.clinic, mrn="RB-2001", first_name="Original")
    PatientFactory(clinic=other_clinic, mrn="RB-2002")
    client = login(clinician)
    response = client.post(reverse("patients:create"), patient_form_data(mrn="rb-2001"))
    assert "already has this medical record number" in response.content.decode()
    assert Patient.objects.filter(mrn__iexact="RB-2001").count() == 1
    client.post(reverse("patients:create"), patient_form_data(mrn="RB-2002"))
    assert Patient.objects.filter(mrn="RB-2002").count() == 2


def test_edit_with_errors_saves_nothing(login, clinician):
    patient = PatientFactory(clinic=clinician.clinic, first_name="Before", mrn="RB-1")
    login(clinician).post(reverse("patients:edit", args=[patient.public_id]),
                          patient_form_data(first_name="After", date_of_birth="not a date"))
    patient.refresh_from_db()
    assert patient.first_name == "Before"


def test_search_by_name_mrn_and_date_of_birth(login, clinician):
    PatientFactory(clinic=clinician.clinic, first_name="Darnell", last_name="Hughes", mrn="RB-7",
                   date_of_birth=datetime.date(1990, 1, 2))
    PatientFactory(clinic=clinician.clinic, first_name="Grace", last_name="Kim", mrn="RB-8",
                   date_of_birth=datetime.date(1975, 6, 30))
    client = login(clinician)

    def names(**params):
        page = client.get(reverse("patients:list"), params).context["page"]
        return [row["patient"].first_name for row in page.object_list]

    assert names(q="hugh") == ["Darnell"]
    assert names(q="rb-8") == ["Grace"]
    assert names(dob="1975-06-30") == ["Grace"]
    assert names(q="darnell hughes") == ["Darnell"]
    assert sorted(names()) == ["Darnell", "Grace"]


def test_my_patients_filter_shows_only_my_care_teams(login, peer):
    mine = PatientFactory(clinic=peer.clinic, first_name="Mine")
    PatientFactory(clinic=peer.clinic, first_name="NotMine")
    CareTeamMemberFactory(patient=mine, staff=peer, role=Role.PEER_SPECIALIST)
    response = login(peer).get(reverse("patients:list"), {"scope": "mine"})
    assert [row["patient"].first_name for row in response.context["page"].object_list] == ["Mine"]


def test_patient_list_pages_through_patients(login, clinician, settings):
    settings.PATIENTS_PER_PAGE = 5
    PatientFactory.create_batch(12, clinic=clinician.clinic)
    client = login(clinician)
    page3 = client.get(reverse("patients:list"), {"page": 3}).context["page"]
    assert page3.number == 3 and len(page3.object_list) == 2


def test_patient_list_query_count_does_not_grow_with_patients(login, clinician, django_assert_max_num_queries):
    client = login(clinician)

    def make_patients(n):
        for patient in PatientFactory.create_batch(n, clinic=clinician.clinic):
            CareTeamMemberFactory(patient=patient, staff=clinician)
            CareTeamMemberFactory(patient=patient, role=Role.PEER_SPECIALIST,
                                  staff=StaffFactory(clinic=clinician.clinic, roles=[Role.PEER_SPECIALIST]))

    # session, user, roles, count, the page with the pathway's facts, care teams, referrals, audit entry
    make_patients(3)
    with django_assert_max_num_queries(PATIENT_LIST_MAX_QUERIES) as small:
        client.get(reverse("patients:list"))
    make_patients(20)
    with django_assert_max_num_queries(PATIENT_LIST_MAX_QUERIES) as large:
        client.get(reverse("patients:list"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_home_query_count_does_not_grow_with_patients(login, clinician, django_assert_max_num_queries):
    client = login(clinician)
    counts = []
    for n in (2, 20):
        for patient in PatientFactory.create_batch(n, clinic=clinician.clinic):
            CareTeamMemberFactory(patient=patient, staff=clinician)
        with django_assert_max_num_queries(HOME_MAX_QUERIES) as captured:
            client.get(reverse("home"))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_care_team_add_and_remove_changes_whether_a_peer_is_on_the_team(login, clinician, peer):
    patient = PatientFactory(clinic=clinician.clinic)
    client = login(clinician)
    assert "No peer support specialist" in client.get(patient.get_absolute_url()).content.decode()

    client.post(reverse("patients:care_team_add", args=[patient.public_id]),
                {"role": Role.PEER_SPECIALIST, "staff": peer.pk})
    assert Patient.objects.get(pk=patient.pk).has_peer_specialist
    assert "No peer support specialist" not in client.get(patient.get_absolute_url()).content.decode()

    member = CareTeamMember.objects.get(patient=patient, staff=peer)
    client.post(reverse("patients:care_team_remove", args=[patient.public_id, member.pk]), {"confirm": "yes"})
    assert not Patient.objects.get(pk=patient.pk).has_peer_specialist


def test_care_team_refuses_staff_without_that_role_or_from_another_clinic(login, clinician, case_manager,
                                                                            other_clinic):
    patient = PatientFactory(clinic=clinician.clinic)
    stranger = StaffFactory(clinic=other_clinic, roles=[Role.PEER_SPECIALIST])
    client = login(clinician)
    url = reverse("patients:care_team_add", args=[patient.public_id])
    assert client.post(url, {"role": Role.PEER_SPECIALIST, "staff": case_manager.pk}).status_code == 400
    assert client.post(url, {"role": Role.PEER_SPECIALIST, "staff": stranger.pk}).status_code == 400
    assert not CareTeamMember.objects.exists()


def test_adding_someone_already_on_the_team_in_that_role_says_so_and_keeps_one_membership(login, clinician, peer):
    patient = PatientFactory(clinic=clinician.clinic)
    CareTeamMemberFactory(patient=patient, staff=peer, role=Role.PEER_SPECIALIST)
    client = login(clinician)

    response = client.post(reverse("patients:care_team_add", args=[patient.public_id]),
                           {"role": Role.PEER_SPECIALIST, "staff": peer.pk})

    assert response.status_code == 400
    assert "already has that role on the care team" in response.content.decode()
    assert CareTeamMember.objects.filter(patient=patient, staff=peer).count() == 1


def test_unknown_url_is_a_product_404(login, clinician, settings):
    settings.DEBUG = False
    response = login(clinician).get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_patient_age_is_computed_from_date_of_birth(clinic):
    today = timezone.localdate()
    patient = PatientFactory.build(clinic=clinic, date_of_birth=today.replace(year=today.year - 30))
    assert patient.age == 30



def test_pages_show_times_in_the_clinics_time_zone(rf, clinician):
    from django.utils import timezone

    from maud_pathways.middleware import ClinicTimeZoneMiddleware

    clinician.clinic.time_zone = "Asia/Tokyo"
    seen = []
    request = rf.get("/")
    request.user = clinician
    ClinicTimeZoneMiddleware(lambda req: seen.append(str(timezone.get_current_timezone())))(request)
    assert seen == ["Asia/Tokyo"]
    assert str(timezone.get_current_timezone()) != "Asia/Tokyo"
