from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from referrals.directory.programs_data import PROGRAMS_FILE, load_programs


class Command(BaseCommand):
    help = ("Load the shared mutual-support programs of the directory from a data file (missing ones are added). "
            "An entry with a fact that has no source (and no note saying it is not known) is refused.")

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(PROGRAMS_FILE), help="Programs JSON file.")
        parser.add_argument("--overwrite", action="store_true",
                            help="Also reset programs already present to the file's values (undoes admin edits).")

    def handle(self, *args, file, overwrite, **options):
        try:
            result = load_programs(file, overwrite=overwrite)
        except ValidationError as error:
            raise CommandError("Nothing was loaded: " + "; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Programs: {len(result.created)} added, {len(result.updated)} reset from the file, "
            f"{len(result.kept)} kept as they are."
        ))
