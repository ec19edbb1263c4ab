"""The patient handout of a referral: what the program is, where and when, who comes along, what to expect.

A program for family and friends (Al-Anon) gets a handout for the person close to the patient, never one that
calls it the patient's own meeting. Every handout carries the crisis lines (988, and the clinic's own)."""

from dataclasses import dataclass

from ..directory.guides import GENERAL_TIPS, first_meeting_guide, medication_line, what_it_is


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
            title=f"{program.name}: a group for the people close to you",
            about=(f"{what_it_is(program)} {program.name} meetings are for family members and friends whose lives "
                   "have been affected by someone else's drinking. It is not a meeting for you; you may want to "
                   "pass this sheet on to someone close to you."),
            for_someone_close=True, guide=first_meeting_guide(program), tips=GENERAL_TIPS)
    guide = first_meeting_guide(program)
    med = medication_line(program)
    if med and not any("medication" in line.lower() for line in guide):
        guide = [*guide, med]
    return Handout(title=f"Your first {program.name} meeting", about=what_it_is(program), for_someone_close=False,
                   guide=guide, tips=GENERAL_TIPS)
