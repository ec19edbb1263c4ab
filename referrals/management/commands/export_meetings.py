import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from referrals.directory.meeting_guide import app_listing_gaps, export_feed, meetings_to_export
from referrals.management.arguments import clinic_named, program_with_slug


class Command(BaseCommand):
    help = ("Write a clinic's active meetings of one program as a Meeting Guide JSON feed (the same feed as the "
            "page /directory/programs/<slug>/meetings.json); importing it again gives the same meetings.")

    def add_arguments(self, parser):
        parser.add_argument("--clinic", required=True, help="Clinic name (or id).")
        parser.add_argument("--program", required=True, help="Program slug, e.g. alcoholics-anonymous.")
        parser.add_argument("--output", "-o", help="File to write. Default: standard output.")
        parser.add_argument("--indent", type=int, default=None, help="Indent the JSON by this many spaces.")

    def handle(self, *args, clinic, program, output, indent, **options):
        clinic_obj = clinic_named(clinic)
        program_obj = program_with_slug(program, clinic=clinic_obj)
        meetings = list(meetings_to_export(clinic_obj, program_obj))
        text = json.dumps(export_feed(meetings), ensure_ascii=False, indent=indent)
        if output:
            try:
                Path(output).write_text(text + "\n", encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror}.") from None
        else:
            self.stdout.write(text)
        for gap in app_listing_gaps(meetings):
            self.stderr.write(f"Note: {gap}")
        where = output or "standard output"
        self.stderr.write(f"{len(meetings)} {program_obj.name} meetings of {clinic_obj.name} written to {where}.")
