"""Factories and helpers for the security tests: authenticator devices and the codes they show."""

import factory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from security import two_factor

from .patients import StaffFactory


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
