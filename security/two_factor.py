"""Two-factor authentication with django-otp: an authenticator app (TOTP) and recovery codes.

A staff member has two-factor on when they have a confirmed TOTP device. Their recovery codes live
in one static device, each only as a salted hash (``security.models.RecoveryCode``); each code works
once, and is shown once, when it is made. The session remembers which device verified it
(``django_otp.DEVICE_ID_SESSION_KEY``), and whether its user has two-factor on, so that pages do not
query devices on every request.
"""

import base64
import re
import secrets
from io import BytesIO

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.translation import gettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import RecoveryCode, RecoveryCodeDevice

ENROLLED_KEY = "security_two_factor_on"


class CodeRefused(Exception):
    """A code was not accepted; the message says why, in words for the staff member."""

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
# 12 characters of base32 (60 random bits), shown as xxxx-xxxx-xxxx.
RECOVERY_CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
RECOVERY_CODE_LENGTH = 12


def requirement(user):
    """Why ``user`` must use two-factor, in words, or None when it is their choice.

    Accounts that can open Django admin (``/django-admin/``: staff status or superuser) see every clinic's
    records there, so they always need it; everyone else when their clinic requires it.
    """
    if user.is_staff or user.is_superuser:
        return gettext("Your account can open the site administration (Django admin), which needs two-factor "
                       "authentication.")
    if user.clinic_id and user.clinic.require_two_factor:
        return gettext("%(clinic)s requires two-factor authentication for all staff.") % {"clinic": user.clinic.name}
    return None


def has_two_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(request):
    return django_otp.DEVICE_ID_SESSION_KEY in request.session


def remember_status(request, enrolled):
    request.session[ENROLLED_KEY] = bool(enrolled)


def pending_app_device(user):
    """The not-yet-confirmed authenticator device being set up (a new secret each time one is made)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def secret_for_display(device):
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device):
    """The device's otpauth:// address as an SVG QR code, made here (no outside service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def normalise_code(code):
    return re.sub(r"[\s-]", "", code or "").lower()


def format_recovery_code(token):
    return "-".join(token[i:i + 4] for i in range(0, len(token), 4))


def new_recovery_codes(user):
    """Replace the user's recovery codes with a fresh set and return them, to be shown once: only their
    hashes are kept."""
    tokens = ["".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
              for _ in range(RECOVERY_CODE_COUNT)]
    hashes = [RecoveryCode.hash(token) for token in tokens]  # before the transaction: hashing takes a moment
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        RecoveryCode.objects.bulk_create(RecoveryCode(device=device, code_hash=h) for h in hashes)
    return [format_recovery_code(t) for t in tokens]


def recovery_codes_left(user):
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


TOO_MANY = "Too many wrong codes in a row. Wait a minute, then try again."


def confirm_app_device(device, code):
    """Turn two-factor on if ``code`` is right for the pending device; returns the new recovery codes.

    Raises CodeRefused (and changes nothing but the wrong-code count) when the code is wrong.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            raise CodeRefused(TOO_MANY)
        verified = device.verify_token(normalise_code(code))
    if not verified:
        raise CodeRefused("That code did not match. Check that the time on your phone is right and try the next code.")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        return new_recovery_codes(device.user)


def turn_off(user):
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def verify(user, code):
    """The device that accepts ``code`` (an app code or a recovery code); raises CodeRefused if none.

    A six-digit code is checked against the authenticator app, anything else against the recovery
    codes. django-otp refuses an app code that was already used (it remembers the last time step); a
    recovery code is deleted once used; both slow down guessing after each wrong code.
    """
    code = normalise_code(code)
    model = TOTPDevice if re.fullmatch(r"\d{6}", code) else RecoveryCodeDevice
    with transaction.atomic():
        devices = list(model.objects.select_for_update().filter(user=user, confirmed=True))
        for device in devices:
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                raise CodeRefused(TOO_MANY)
            if device.verify_token(code):
                return device
    raise CodeRefused("That code is not right, or it has already been used. Try the next code from your app.")
