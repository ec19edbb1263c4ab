from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from referrals.directory.meeting_guide import (
    Confirmation,
    FeedError,
    ImportRefused,
    feed_name,
    import_feed,
    read_feed,
)
from referrals.management.arguments import clinic_named, program_with_slug

PROGRESS_FROM = 500  # entries (or changes); smaller files import too quickly for a bar to help
FLAGS = {Confirmation.MASS_DEACTIVATION: "--allow-mass-deactivation", Confirmation.PROGRAM: "--confirm-program"}


class Command(BaseCommand):
    help = ("Import a Meeting Guide JSON feed into a clinic's meetings of one program. Safe to repeat: "
            "meetings are matched by slug, changed ones updated, missing ones marked inactive. An empty file, a "
            "file whose every entry is rejected, one that would mark more than half of the feed's meetings "
            "inactive, or one that looks like another program's feed is refused unless confirmed with a flag.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="Meeting Guide JSON file (an array of meetings).")
        parser.add_argument("--clinic", required=True, help="Clinic name (or id).")
        parser.add_argument("--program", required=True, help="Program slug, e.g. alcoholics-anonymous.")
        parser.add_argument("--source", help="Name of the feed as shown to staff. Default: the program's only feed in "
                                                "this clinic, if it has one, else the file name.")
        parser.add_argument("--allow-mass-deactivation", action="store_true",
                            help="Import even when the file is empty, every entry is rejected, or the import would "
                                 "mark more than half of the feed's active meetings inactive.")
        parser.add_argument("--confirm-program", action="store_true",
                            help="Import even when the file looks like another program's feed (most meetings name "
                                 "another program, or none of the feed's meetings is in it).")
        parser.add_argument("--no-progress", action="store_true", help="Never show a progress bar.")

    def handle(self, *args, file, clinic, program, source, allow_mass_deactivation, confirm_program, no_progress,
               **options):
        clinic_obj = clinic_named(clinic)
        program_obj = program_with_slug(program, clinic=clinic_obj)
        path = Path(file)
        try:
            entries = read_feed(path.read_bytes())
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        except FeedError as exc:
            raise CommandError(f"Nothing imported. {exc}") from None

        def progress(stage, total):
            """A bar for each stage, checking the entries then writing the changes (each shown when it is long)."""
            show = not no_progress and total >= PROGRESS_FROM
            return tqdm(total=total, unit="meeting", desc=stage, disable=not show, file=self.stderr._out,
                        leave=False)

        try:
            record = import_feed(entries, clinic=clinic_obj, program=program_obj,
                                 source=feed_name(clinic_obj, program_obj, source, path.name), progress=progress,
                                 allow_mass_deactivation=allow_mass_deactivation, confirm_program=confirm_program)
        except ImportRefused as refused:
            self._report_rejected(refused.plan.summary)
            flags = " and ".join(sorted({FLAGS[c.confirmation] for c in refused.concerns}))
            raise CommandError("Nothing imported. " + " ".join(c.message for c in refused.concerns)
                               + f" If this is what you want, run the command again with {flags}.") from None
        summary = record.summary
        self._report_rejected(summary)
        if summary.unknown_codes:
            self.stdout.write("Unknown type codes kept as they are: " + ", ".join(sorted(summary.unknown_codes)))
        if summary.fields_not_kept:
            self.stdout.write("Fields not kept (not Meeting Guide fields, or not text): " + ", ".join(
                f"{key} ({count})" for key, count in summary.fields_not_kept.items()))
        for confirmed in record.confirmed:
            self.stdout.write(f"Confirmed: {confirmed}")
        style = self.style.WARNING if summary.rejected else self.style.SUCCESS
        self.stdout.write(style(f"{program_obj.name} meetings for {clinic_obj.name}: {summary.as_text()}."))

    def _report_rejected(self, summary):
        for error in summary.rejected:
            slug = f" (slug “{error.slug}”)" if error.slug else ""
            self.stderr.write(f"Entry {error.index}{slug} rejected: {error.reason}")
