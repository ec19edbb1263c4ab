from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from patients.models import Clinic
from referrals.directory.meeting_guide import FeedError, feed_name, import_feed, read_feed
from referrals.models import Program

PROGRESS_FROM = 500  # entries; smaller files import too quickly for a bar to help


class Command(BaseCommand):
    help = ("Import a Meeting Guide JSON feed into a clinic's meetings of one program. Safe to repeat: "
            "meetings are matched by slug, changed ones updated, missing ones marked inactive.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="Meeting Guide JSON file (an array of meetings).")
        parser.add_argument("--clinic", required=True, help="Clinic name (or id).")
        parser.add_argument("--program", required=True, help="Program slug, e.g. alcoholics-anonymous.")
        parser.add_argument("--source", help="Name of the feed as shown to staff. Default: the program's only feed in "
                                                "this clinic, if it has one, else the file name.")
        parser.add_argument("--no-progress", action="store_true", help="Never show a progress bar.")

    def handle(self, *args, file, clinic, program, source, no_progress, **options):
        clinic_obj = self._clinic(clinic)
        programs = Program.objects.for_clinic(clinic_obj)  # the shared programs and the clinic's own
        try:
            program_obj = programs.get(slug=program)
        except Program.DoesNotExist:
            slugs = ", ".join(programs.values_list("slug", flat=True)) or "none: run load_programs"
            raise CommandError(f"No program with slug “{program}”. Known: {slugs}.") from None
        path = Path(file)
        try:
            entries = read_feed(path.read_bytes())
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        except FeedError as exc:
            raise CommandError(f"Nothing imported. {exc}") from None

        def progress(iterable):
            show = not no_progress and len(entries) >= PROGRESS_FROM
            return tqdm(iterable, total=len(entries), unit="meeting", desc="Importing", disable=not show,
                        file=self.stderr._out, leave=False)

        record = import_feed(entries, clinic=clinic_obj, program=program_obj,
                             source=feed_name(clinic_obj, program_obj, source, path.name),
                             progress=progress)
        summary = record.summary
        for error in summary.rejected:
            slug = f" (slug “{error.slug}”)" if error.slug else ""
            self.stderr.write(f"Entry {error.index}{slug} rejected: {error.reason}")
        if summary.unknown_codes:
            self.stdout.write("Unknown type codes kept as they are: " + ", ".join(sorted(summary.unknown_codes)))
        style = self.style.WARNING if summary.rejected else self.style.SUCCESS
        self.stdout.write(style(f"{program_obj.name} meetings for {clinic_obj.name}: {summary.as_text()}."))

    def _clinic(self, value):
        clinics = Clinic.objects.filter(name=value)
        if not clinics and value.isdigit():
            clinics = Clinic.objects.filter(pk=int(value))
        clinic = clinics.first()
        if clinic is None:
            raise CommandError(f"No clinic named “{value}”.")
        return clinic
