"""The patient's copy of a Part 2 consent: every element of the consent in plain words, for the patient to read,
sign and keep. It is written in the active language: build it inside ``patients.languages.patient_material(patient)``.

What staff typed on the consent (who may share, the recipient, the information in detail, the purpose, how to
revoke, the event that ends it) is printed as typed; the words around it are the catalogue's."""

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

from .models.consent import InformationCategory

#: Each kind of information a consent may cover, said to the patient (the staff labels say "the patient").
INFORMATION_FOR_PATIENT = {
    InformationCategory.IDENTITY: gettext_noop("Your name and how to reach you"),
    InformationCategory.REFERRAL: gettext_noop("The group or meeting you were referred to, and why"),
    InformationCategory.MEDICATION: gettext_noop("That you take medication for alcohol use disorder"),
    InformationCategory.ACCOMPANIMENT: gettext_noop("Who from the clinic will go with you to your first meeting"),
    InformationCategory.ATTENDANCE: gettext_noop("Whether you go to meetings"),
}


@dataclass(frozen=True)
class ConsentCopy:
    information: list
    right_to_revoke: str
    for_someone_close: str


def copy_for(consent):
    """The sentences of the patient's copy that the catalogue words (the rest comes from the consent itself)."""
    information = [gettext(INFORMATION_FOR_PATIENT[category]) for category in InformationCategory.values
                   if category in consent.information_categories]
    # § 2.31(a)(6), with the same legal meaning as Consent.right_to_revoke_text; said to the patient.
    right_to_revoke = gettext(
        "You may revoke (take back) this consent in writing at any time, except to the extent that %(party)s (or "
        "another lawful holder of the information that is permitted to disclose it) has already acted in reliance "
        "on it.") % {"party": consent.disclosing_party}
    for_someone_close = ""
    if consent.is_for_someone_close:
        for_someone_close = gettext(
            "%(program)s is a group for family and friends. This consent covers suggesting it to someone close to "
            "you; it is not a group for you.") % {"program": consent.program.name}
    return ConsentCopy(information=information, right_to_revoke=right_to_revoke, for_someone_close=for_someone_close)
