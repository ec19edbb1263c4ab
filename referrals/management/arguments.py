"""Reading the --clinic and --program options the meeting feed commands share."""

from django.core.management.base import CommandError

from patients.models import Clinic
from referrals.models import Program


def clinic_named(value):
    """The clinic of that name (or id), or CommandError."""
    clinics = Clinic.objects.filter(name=value)
    if not clinics and value.isdigit():
        clinics = Clinic.objects.filter(pk=int(value))
    clinic = clinics.first()
    if clinic is None:
        raise CommandError(f"No clinic named “{value}”.")
    return clinic


def program_with_slug(value, *, clinic):
    """The program with that slug among those ``clinic`` may use (the shared programs and its own), or
    CommandError naming them."""
    programs = Program.objects.for_clinic(clinic)
    try:
        return programs.get(slug=value)
    except Program.DoesNotExist:
        slugs = ", ".join(programs.values_list("slug", flat=True)) or "none: run load_programs"
        raise CommandError(f"No program with slug “{value}”. Known: {slugs}.") from None
