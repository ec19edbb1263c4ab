from django.core.management.base import BaseCommand

from security.sessions import clear_ended_sessions


class Command(BaseCommand):
    help = ("Delete expired sessions and the record of whose session each was (run it daily, like Django's "
            "clearsessions, e.g. from cron or a systemd timer).")

    def handle(self, **options):
        removed = clear_ended_sessions()
        self.stdout.write(f"Removed {removed} ended staff session record{'s' if removed != 1 else ''}.")
