"""What to expect at a first meeting, in plain words for the patient.

Each shared program has its own guide in the data file (``programs.json``, with its sources); a clinic writes
one for each of its own programs. Only a program without one falls back to the guide of its kind of group, and
those lines hold for every group of that kind (so Recovery Dharma is never told about prayer and scripture).

Everything here is for the patient, in the active language: call these inside ``patients.languages.patient_material``.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Audience, MedicationWelcome, ProgramGroup

GROUP_GUIDES = {
    ProgramGroup.TWELVE_STEP: [
        _("People take turns to share, or to pass; you never have to speak."),
        _("Saying “I'm new, I'd just like to listen” is enough."),
    ],
    ProgramGroup.SECULAR: [
        _("Secular groups do not use prayer; ask the group beforehand how a meeting runs."),
        _("You may listen without speaking at your first meeting."),
    ],
    ProgramGroup.FAITH_BASED: [
        _("Faith-based groups draw on a religious or spiritual tradition; ask the leader beforehand what a meeting "
          "is like."),
        _("Newcomers can simply listen."),
    ],
    ProgramGroup.PEER_RUN_CENTER: [
        _("A recovery community center is run by people in recovery; it offers peer support, not treatment."),
    ],
    ProgramGroup.ONLINE_APP: [
        _("You join from a phone or computer; test the link or the app a few minutes early."),
    ],
}

#: For every handout: plain tips that hold for any group.
GENERAL_TIPS = [
    _("Arrive (or log in) a few minutes early. It is fine to leave early, and fine to try a few groups before one "
      "feels right."),
    _("What people share in a meeting stays in the meeting."),
]


def first_meeting_guide(program):
    """The program's own first-meeting guide, or the guide of its kind of group when it has none."""
    return program.first_meeting_lines_in() or [str(line) for line in GROUP_GUIDES.get(program.group, [])]


def general_tips():
    return [str(line) for line in GENERAL_TIPS]


def medication_line(program):
    """What the directory knows about the program and medication, in the patient's words ("" when not known)."""
    if program.audience == Audience.FAMILY_AND_FRIENDS:
        return ""
    if program.medication_welcome == MedicationWelcome.WELCOMING:
        return gettext("%(program)s welcomes people who take medication for alcohol use disorder.") % {
            "program": program.name}
    if program.medication_welcome == MedicationWelcome.VARIES:
        return gettext("Groups differ in how they see medication; your medication is between you and your care team.")
    return ""


#: How each kind of group is named in a sentence ("SMART Recovery is a secular mutual-support group").
GROUP_PHRASES = {
    ProgramGroup.TWELVE_STEP: _("a 12-step mutual-support group"),
    ProgramGroup.SECULAR: _("a secular mutual-support group"),
    ProgramGroup.FAITH_BASED: _("a faith-based mutual-support group"),
    ProgramGroup.PEER_RUN_CENTER: _("a peer-run recovery center"),
    ProgramGroup.ONLINE_APP: _("an online or app-based recovery community"),
}


def what_it_is(program):
    """One plain sentence naming the program and its kind; where the pathway's listing could mislead (Wellbriety
    is listed among the secular options), the listing note says both facts instead."""
    if program.listing_note:
        return program.text_in("listing_note")
    return gettext("%(program)s is %(kind)s.") % {"program": program.name, "kind": GROUP_PHRASES[program.group]}
