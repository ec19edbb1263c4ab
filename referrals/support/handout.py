"""Plain-language notes for the patient handout: what a first meeting of each kind of group is like."""

from ..directory.models import ProgramGroup

FIRST_MEETING_GUIDE = {
    ProgramGroup.TWELVE_STEP: [
        "Meetings usually open with a short reading; people then take turns to share, or to pass.",
        "You never have to speak. Saying “I'm new, I'd just like to listen” is enough.",
        "“Open” meetings welcome anyone; “closed” meetings are for people who want to stop drinking.",
        "Your medication is between you and your care team; you decide whether to mention it.",
    ],
    ProgramGroup.SECULAR: [
        "Meetings are usually led by a trained facilitator and focus on practical tools for change.",
        "Expect a short check-in round where people say how their week went. You may pass.",
    ],
    ProgramGroup.FAITH_BASED: [
        "Meetings combine recovery topics with prayer, scripture or meditation from their tradition.",
        "There is often a large-group time followed by small groups; newcomers can simply listen.",
        "Ask the leader beforehand if you have questions about how medication is seen in the group.",
    ],
    ProgramGroup.PEER_RUN_CENTER: [
        "A recovery community center is a drop-in place run by people in recovery.",
        "Staff will welcome you, show you around and tell you about groups, classes and activities.",
        "Centers like these usually respect many paths to recovery.",
    ],
    ProgramGroup.ONLINE_APP: [
        "You join from a phone or computer; you can keep your camera off and use a first name only.",
        "Test the link a few minutes early. The host may admit you from a waiting room.",
        "Sharing is optional; many people just listen or use the chat at their first meeting.",
    ],
}

GENERAL_TIPS = [
    "Arrive (or log in) a few minutes early.",
    "It is fine to leave early, and it is fine to try a few different meetings before one feels right.",
    "What people share in a meeting stays in the meeting.",
]


def medication_line(program):
    """What the directory knows about the program and medication, in the patient's words."""
    from ..directory.models import MedicationWelcome

    if program.medication_welcome == MedicationWelcome.WELCOMING:
        return f"{program.name} welcomes people who take medication for alcohol use disorder."
    if program.medication_welcome == MedicationWelcome.VARIES:
        return "Groups differ in how they see medication; your medication is between you and your care team."
    return ""
