import pytest

from patients.models import Role

from .factories import ClinicFactory, StaffFactory


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
