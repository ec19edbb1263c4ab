"""``manage.py export_fhir --clinic "Clinic name" --out DIR``: the clinic's patients as FHIR R4 NDJSON."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from maud_pathways.fhir.ndjson import DEFAULT_CHUNK_SIZE, export_clinic
from patients.models import Clinic, Patient


class Command(BaseCommand):
    help = ("Export every patient of one clinic as FHIR R4 resources, one NDJSON file per resource type "
            "(bulk-data style), reading patients in chunks so memory stays bounded.")

    def add_arguments(self, parser):
        parser.add_argument("--clinic", required=True, help="The clinic's name, exactly as in the app.")
        parser.add_argument("--out", required=True, help="Folder for the .ndjson files (created if missing).")
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE,
                            help=f"Patients read per chunk (default {DEFAULT_CHUNK_SIZE}).")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, clinic, out, chunk_size, no_progress, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        try:
            clinic_obj = Clinic.objects.get(name=clinic)
        except Clinic.DoesNotExist:
            raise CommandError(f"No clinic is named “{clinic}”.") from None
        total = Patient.objects.filter(clinic=clinic_obj).count()
        with tqdm(total=total, unit="patient", desc="FHIR export", disable=no_progress or None,
                  file=self.stderr._out) as bar:
            counts = export_clinic(clinic_obj, out, chunk_size=chunk_size, progress=bar)
        self.stdout.write(f"Exported {total} patients of {clinic_obj.name} to {out}:")
        for resource_type, count in sorted(counts.items()):
            self.stdout.write(f"  {resource_type}.ndjson  {count}")
