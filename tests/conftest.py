import os

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from patients.models import Role

from .factories import cast
from .factories.patients import CareTeamMemberFactory, PatientFactory

# Generated-input tests draw the same examples on every run by default, so a green main stays green and a red
# run can be repeated. HYPOTHESIS_PROFILE=explore draws fresh, more numerous examples to hunt for new bugs.
hypothesis_settings.register_profile("repeatable", max_examples=8, derandomize=True, database=None)
hypothesis_settings.register_profile("explore", max_examples=40)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request by a Spanish-speaking staff member activates Spanish for the thread (as each request does in the
    app); code a later test calls directly must not inherit it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


# The cast (tests/factories/cast.py): staff of clinic A, and an outsider from clinic B.


@pytest.fixture
def clinic(db):
    return cast.clinic_a()


@pytest.fixture
def other_clinic(db):
    return cast.clinic_b()


@pytest.fixture
def clinician(clinic):
    return cast.clinician(clinic)


@pytest.fixture
def peer(clinic):
    return cast.peer(clinic)


@pytest.fixture
def case_manager(clinic):
    return cast.case_manager(clinic)


@pytest.fixture
def clinic_admin(clinic):
    return cast.clinic_admin(clinic)


@pytest.fixture
def colleague(clinic):
    return cast.colleague(clinic)


@pytest.fixture
def outsider(other_clinic):
    return cast.outsider(other_clinic)


# A clinic that limits staff to their caseload, and a patient outside everyone's but the colleague's.


@pytest.fixture
def limited(clinic):
    clinic.limit_to_caseload = True
    clinic.save()
    return clinic


@pytest.fixture
def theirs(clinic, colleague):
    """Otto, a patient of clinic A whose care team is the colleague alone."""
    patient = PatientFactory(clinic=clinic, first_name="Otto", last_name="Outside", mrn="RB-200")
    CareTeamMemberFactory(patient=patient, staff=colleague, role=Role.CLINICIAN)
    return patient


@pytest.fixture
def login(client):
    """Log a staff member in on the test client and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
