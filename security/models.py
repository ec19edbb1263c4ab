from django.conf import settings
from django.db import models
from django.utils import timezone


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
