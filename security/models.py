from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice


class StaffSession(models.Model):
    """One logged-in browser session of a staff member.

    Django's session table does not say whose a session is without decoding every row; this small
    index lets a clinic admin end all sessions of one person, and a password change end the others.
    The row is made at login and removed at logout or when the session is ended here.
    """

    session_key = models.CharField(max_length=40, unique=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions")
    started_at = models.DateTimeField(default=timezone.now)
    # Written with the session's own last-seen time (at most once a minute), so a session that has idled
    # out no longer counts as open although its row and cookie still exist.
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip_address = models.CharField("address", max_length=45, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["staff", "started_at"])]

    def __str__(self):
        return f"Session of {self.staff} since {self.started_at:%Y-%m-%d %H:%M}"


class RecoveryCodeHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 with a salt per code, for recovery codes.

    Fewer rounds than for passwords: a code is checked against each of the person's (at most ten) codes, and a
    new code has 60 random bits, which no number of rounds is needed to protect. The rounds are for codes made
    before they were hashed (40 bits): with them, guessing one from a stolen database takes weeks per code.
    """

    algorithm = "recovery_pbkdf2_sha256"
    iterations = 20_000


class RecoveryCode(models.Model):
    """One single-use recovery code of a staff member's two-factor, kept only as a salted, slow hash.

    The code itself is shown once, when it is made (``security.two_factor.new_recovery_codes``).
    """

    device = models.ForeignKey("otp_static.StaticDevice", on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128)

    hasher = RecoveryCodeHasher()

    def __str__(self):
        return f"Recovery code {self.pk} of device {self.device_id}"

    @classmethod
    def hash(cls, code):
        return cls.hasher.encode(code, cls.hasher.salt())

    def matches(self, code):
        return self.hasher.verify(code, self.code_hash)


class RecoveryCodeDevice(StaticDevice):
    """django-otp's static device, checking codes against their hashes (``RecoveryCode``) instead of the plain
    tokens django-otp keeps. Wrong codes slow further tries as before; a code that works is deleted."""

    class Meta:
        proxy = True

    def verify_token(self, token):
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        match = next((code for code in self.recovery_codes.all() if code.matches(token)), None)
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True
