"""The patient handout of a referral: what the program is, where and when, who comes along, what to expect.

A program for family and friends (Al-Anon) gets a handout for the person close to the patient, never one that
calls it the patient's own meeting. Every handout carries the crisis lines (988, and the clinic's own). It is
written in the active language: build it inside ``patients.languages.patient_material(patient)``."""

from dataclasses import dataclass

from django.utils.translation import gettext

from ..directory.guides import first_meeting_guide, general_tips, medication_line, what_it_is


@dataclass(frozen=True)
class Handout:
    title: str
    about: str
    for_someone_close: bool
    guide: list
    tips: list


def handout_for(referral):
    program = referral.program
    if referral.for_someone_close or program.is_for_family_and_friends:
        return Handout(
            title=gettext("%(program)s: a group for the people close to you") % {"program": program.name},
            about=" ".join([what_it_is(program), gettext(
                "%(program)s meetings are for family members and friends whose lives have been affected by someone "
                "else's drinking. It is not a meeting for you; you may want to pass this sheet on to someone close "
                "to you.") % {"program": program.name}]),
            for_someone_close=True, guide=first_meeting_guide(program), tips=general_tips())
    guide = first_meeting_guide(program)
    med = medication_line(program)
    if med and not any("medication" in line.lower() for line in program.first_meeting_lines):
        guide = [*guide, med]
    return Handout(title=gettext("Your first %(program)s meeting") % {"program": program.name},
                   about=what_it_is(program), for_someone_close=False, guide=guide, tips=general_tips())
