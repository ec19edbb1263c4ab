"""Factories for Stop 4: the directory of programs and meetings, Meeting Guide feed entries, matching preferences.

A meeting is in person on Monday evenings unless told otherwise; ``MeetingFactory(online=True)`` is online only.
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from referrals.models import (
    Audience,
    DrinkingApproach,
    MatchingPreferences,
    MedicationWelcome,
    Meeting,
    MeetingAttendance,
    Program,
    ProgramGroup,
    SpiritualContent,
)

from ..patients import ClinicFactory, PatientFactory


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"program-{n}")
    name = factory.Sequence(lambda n: f"Program {n}")
    group = ProgramGroup.SECULAR
    drinking_approach = DrinkingApproach.ABSTINENCE
    spiritual_content = SpiritualContent.NONE
    audience = Audience.ANYONE
    medication_welcome = MedicationWelcome.UNKNOWN
    offers_in_person = True
    offers_online = False
    offers_app = False
    description = "A test program."


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    clinic = factory.SubFactory(ClinicFactory)
    program = factory.SubFactory(ProgramFactory)
    slug = factory.Sequence(lambda n: f"meeting-{n}")
    name = factory.Sequence(lambda n: f"Meeting {n}")
    days = "1"
    start_time = datetime.time(19, 0)
    end_time = datetime.time(20, 0)
    time_zone = "America/Chicago"
    location_name = "Community Hall"
    formatted_address = "100 Main St, Springfield, IL 62701, US"
    attendance = MeetingAttendance.IN_PERSON
    type_codes = ",O,"
    languages = ",English,"
    source = "test feed"

    class Params:
        online = factory.Trait(
            formatted_address="", location_name="", attendance=MeetingAttendance.ONLINE,
            conference_url=factory.Sequence(lambda n: f"https://meet.example.org/j/{n}"),
        )


class MatchingPreferencesFactory(DjangoModelFactory):
    class Meta:
        model = MatchingPreferences

    patient = factory.SubFactory(PatientFactory)
    language = "English"


def feed_entry(key, **overrides):
    """A valid in-person Meeting Guide entry with slug ``key``; override any field (None removes it)."""
    entry = {
        "name": f"Meeting {key}",
        "slug": key,
        "day": 1,
        "time": "19:00",
        "end_time": "20:00",
        "timezone": "America/Chicago",
        "location": "Community Hall",
        "address": "100 Main St",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
        "country": "US",
        "types": ["O", "D"],
        "updated": "2026-01-15 10:00:00",
    }
    entry.update(overrides)
    return {k: v for k, v in entry.items() if v is not None}


def online_entry(key, **overrides):
    values = {"location": None, "address": None, "city": None, "state": None, "postal_code": None,
              "country": None, "conference_url": f"https://meet.example.org/j/{key}", "types": ["O", "ONL"]}
    values.update(overrides)
    return feed_entry(key, **values)
