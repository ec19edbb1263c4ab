"""Small builders for FHIR datatypes (R4 models of ``fhir.resources``) and the export's stable ids.

Stable ids: a patient is exported under its public id (a UUID). Every other row is exported as a prefix
naming what it is plus its database key (``careplan-12``, ``staff-7``), or, for treatment-plan entries
that keep a stable ``key`` from version to version, plus that key (``plan-goal-<uuid>``). A row keeps
its id from one export to the next, so a server that loaded an earlier export updates rather than
duplicates. FHIR ids allow letters, digits, ``-`` and ``.`` up to 64 characters; every id here fits.
"""

import datetime
import functools
import html

from django.conf import settings
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.narrative import Narrative
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference

from referrals.support.models.consent import part2_notice

from . import codes


def resource_id(prefix, key):
    return f"{prefix}-{key}"


def ref(resource_type, rid, display=None):
    return Reference(reference=f"{resource_type}/{rid}", display=str(display) if display else None)


def patient_ref(patient):
    return ref("Patient", str(patient.public_id))


def staff_ref(member):
    return ref("Practitioner", resource_id("staff", member.pk), str(member)) if member is not None else None


def clinic_ref(clinic):
    return ref("Organization", resource_id("clinic", clinic.pk), clinic.name)


def program_ref(program):
    return ref("Organization", resource_id("program", program.pk), program.name)


def coding(system, code, display=None):
    # str(): choice labels are translatable (lazy) strings.
    return Coding(system=system, code=str(code), display=str(display) if display else None)


def concept(*codings, text=None):
    return CodeableConcept(coding=list(codings) or None, text=str(text) if text else None)


def note(text, *, author=None, time=None):
    """An Annotation (FHIR ``note``); None for empty text so callers can filter."""
    text = (text or "").strip()
    if not text:
        return None
    return Annotation(text=text, authorReference=staff_ref(author) if author else None, time=time)


def notes(*annotations):
    kept = [a for a in annotations if a is not None]
    return kept or None


def period(start=None, end=None):
    return Period(start=start, end=end) if (start or end) else None


def labelled(label, value):
    value = (value or "").strip()
    return f"{label}: {value}" if value else None


def narrative(lines):
    """Human-readable text (``Resource.text``): escaped paragraphs in the XHTML FHIR requires."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    return Narrative(status="generated", div=f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>')


@functools.cache
def part2_meta():
    """``meta`` of every exported resource: the Part 2 security labels and the notice as a tag.

    One instance shared by every resource (made once: it is the same everywhere, and nothing changes it).
    """
    return Meta(
        security=[Coding(**label) for label in codes.PART2_SECURITY_LABELS],
        tag=[Coding(system=codes.PART2_NOTICE_SYSTEM, code=codes.PART2_NOTICE_CODE, display=part2_notice())],
    )


def fhir_base_url():
    """The base of the bundle's ``fullUrl``s (``FHIR_BASE_URL``); references inside resolve against it."""
    return settings.FHIR_BASE_URL.rstrip("/")


def at_midday(day):
    """A date as an aware datetime, for elements that want an instant (``Provenance.recorded``)."""
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
