"""Send the reminders of patients' personal links that are due: the day before the first meeting, and "Did you
go?" after it. Safe to run every few minutes (each reminder is sent at most once); see the README for cron and
systemd timer lines."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from referrals.patient_link.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Send the due reminders of patients' personal links (safe to run every few minutes)."

    def handle(self, *args, **options):
        if not settings.SITE_URL:
            raise CommandError("Set SITE_URL (the address patients reach the app at, e.g. "
                               "https://pathways.clinic.example): reminders carry a link to the patient's page.")
        report = send_due_reminders()
        self.stdout.write(report.as_text() + ".")
        if report.failed:
            self.stderr.write(f"{len(report.failed)} could not be sent; they are tried again on the next runs "
                              "(up to 3 times). The application log says what went wrong.")
