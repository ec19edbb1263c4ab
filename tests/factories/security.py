"""Factories and helpers for the security tests: authenticator devices and the codes they show."""

import factory
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from patients.models import StaffMember
from security import two_factor

from .patients import TEST_PASSWORD, StaffFactory


class AuthenticatorFactory(DjangoModelFactory):
    """A confirmed authenticator app (TOTP device) of a staff member."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(StaffFactory)
    name = two_factor.APP_DEVICE_NAME
    confirmed = True


def code_now(device):
    """The 6-digit code the staff member's phone shows at this moment (per the device's secret)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def with_two_factor(user):
    """Give ``user`` an authenticator app and recovery codes; returns (device, recovery codes)."""
    device = AuthenticatorFactory(user=user)
    return device, two_factor.new_recovery_codes(user)


def site_administrator(username="site.admin"):
    """A superuser of the whole site (no clinic), as ``createsuperuser`` makes; logs in with ``TEST_PASSWORD``."""
    return StaffMember.objects.create_superuser(username, f"{username}@example.org", TEST_PASSWORD)


def plain_recovery_codes(user, codes):
    """Recovery codes as django-otp kept them before they were hashed: plain text in StaticToken."""
    device = StaticDevice.objects.create(user=user, name=two_factor.RECOVERY_DEVICE_NAME, confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return device
