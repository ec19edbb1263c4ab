import os

import pytest
from hypothesis import settings as hypothesis_settings

from patients.models import Role

from .factories.patients import ClinicFactory, StaffFactory

# Generated-input tests draw the same examples on every run by default, so a green main stays green and a red
# run can be repeated. HYPOTHESIS_PROFILE=explore draws fresh, more numerous examples to hunt for new bugs.
hypothesis_settings.register_profile("repeatable", max_examples=8, derandomize=True, database=None)
hypothesis_settings.register_profile("explore", max_examples=40)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="Riverbend Test Clinic")


@pytest.fixture
def other_clinic(db):
    return ClinicFactory(name="Lakeside Test Clinic")


@pytest.fixture
def clinician(clinic):
    return StaffFactory(clinic=clinic, username="dr.okafor", roles=[Role.CLINICIAN])


@pytest.fixture
def peer(clinic):
    return StaffFactory(clinic=clinic, username="jordan.peer", roles=[Role.PEER_SPECIALIST])


@pytest.fixture
def case_manager(clinic):
    return StaffFactory(clinic=clinic, username="sam.cm", roles=[Role.CASE_MANAGER])


@pytest.fixture
def clinic_admin(clinic):
    return StaffFactory(clinic=clinic, username="alex.admin", roles=[Role.CLINIC_ADMIN])


@pytest.fixture
def login(client):
    """Log a staff member in on the test client and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
