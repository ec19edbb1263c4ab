"""Load (or update) a recovery-capital questionnaire from a JSON definition file."""

from django.core.management.base import BaseCommand, CommandError

from patients.models import Clinic
from wellness.definitions import DefinitionError
from wellness.loading import SHIPPED_QUESTIONNAIRE, load_definition


class Command(BaseCommand):
    help = ("Validate a questionnaire definition file and load it as the newest version of its questionnaire. "
            "Without a path, loads the questionnaire shipped with MAUD Pathways. A malformed file is refused "
            "with every problem listed, and nothing already loaded changes.")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(SHIPPED_QUESTIONNAIRE),
                            help="JSON definition file (default: the shipped questionnaire).")
        parser.add_argument("--clinic", help="Name of the clinic that owns it (e.g. an instrument it is licensed "
                                             "to use). Without it the questionnaire is shared with every clinic.")

    def handle(self, *args, path, clinic=None, **options):
        owner = None
        if clinic:
            try:
                owner = Clinic.objects.get(name=clinic)
            except Clinic.DoesNotExist:
                raise CommandError(f"No clinic named “{clinic}”.") from None
        try:
            with open(path, "rb") as handle:
                source = handle.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        try:
            questionnaire, version, changed = load_definition(source, clinic=owner)
        except DefinitionError as exc:
            raise CommandError(f"{path} was not loaded:\n  - " + "\n  - ".join(exc.problems)) from None
        where = owner.name if owner else "all clinics"
        if options["verbosity"] < 1:
            return
        if changed:
            self.stdout.write(self.style.SUCCESS(
                f"Loaded “{questionnaire.name}” version {version.number} for {where}."))
        else:
            self.stdout.write(f"“{questionnaire.name}” is already up to date (version {version.number}).")
