"""Medication safety prompts of the treatment plan (Stop 1): clinical decision support that informs.

The prompts follow from the version's medications (any not stopped) and its drinking goal:

* disulfiram with a goal of drinking less: disulfiram makes any alcohol cause a severe reaction, so a plan that
  pairs it with continued drinking is signed only with an explicit acknowledgement and a reason (the one prompt
  that stops signing until it is answered);
* naltrexone (oral or injectable): asks about current opioid use or opioid pain treatment (naltrexone blocks
  opioids and can bring on withdrawal);
* acamprosate: asks about kidney function (it leaves the body through the kidneys);
* naltrexone and disulfiram: ask about liver disease.

Every other prompt may be left unanswered: the signed version then records that it was not answered. Each prompt
and its answer are kept with the signed version (``PlanSafetyCheck``); ``sign_version`` checks them.
"""

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

from .models import DrinkingGoal, Medication, MedicationStatus, SafetyPrompt

ACKNOWLEDGED = "acknowledged"
NALTREXONE = {Medication.NALTREXONE_ORAL, Medication.NALTREXONE_XR}


@dataclass(frozen=True)
class Prompt:
    code: str
    title: str
    question: str
    answers: tuple  # ((code, words), ...)
    needs_acknowledgement: bool = False

    @property
    def answer_labels(self):
        return dict(self.answers)


PROMPTS = {
    SafetyPrompt.DISULFIRAM_REDUCED_DRINKING: Prompt(
        SafetyPrompt.DISULFIRAM_REDUCED_DRINKING, gettext_lazy("Disulfiram with a goal of drinking less"),
        gettext_lazy("Disulfiram makes any alcohol cause a severe reaction, and this plan's goal is to drink less, "
                     "not to stop. Change the medication or the goal, or acknowledge this and say why the plan keeps "
                     "both."),
        ((ACKNOWLEDGED, gettext_lazy("Acknowledged: the plan keeps disulfiram with a goal of drinking less")),),
        needs_acknowledgement=True),
    SafetyPrompt.NALTREXONE_OPIOIDS: Prompt(
        SafetyPrompt.NALTREXONE_OPIOIDS, gettext_lazy("Naltrexone and opioids"),
        gettext_lazy("Does the patient use opioids now, or take opioids for pain? Naltrexone blocks opioids and can "
                     "bring on withdrawal."),
        (("no", gettext_lazy("No current opioid use and no opioid pain treatment")),
         ("yes", gettext_lazy("Uses opioids or takes them for pain: discussed and planned for")))),
    SafetyPrompt.ACAMPROSATE_KIDNEYS: Prompt(
        SafetyPrompt.ACAMPROSATE_KIDNEYS, gettext_lazy("Acamprosate and kidney function"),
        gettext_lazy("How are the patient's kidneys working? Acamprosate leaves the body through the kidneys."),
        (("normal", gettext_lazy("Kidney function known to be normal")),
         ("reduced", gettext_lazy("Kidney function is reduced: dose or choice of medication reviewed")),
         ("not_checked", gettext_lazy("Not checked yet")))),
    SafetyPrompt.LIVER_DISEASE: Prompt(
        SafetyPrompt.LIVER_DISEASE, gettext_lazy("Liver disease"),
        gettext_lazy("Does the patient have liver disease or raised liver tests? Naltrexone and disulfiram are used "
                     "with care then."),
        (("none_known", gettext_lazy("No known liver disease")),
         ("present", gettext_lazy("Liver disease or raised liver tests: benefit and risk reviewed")),
         ("not_checked", gettext_lazy("Not checked yet")))),
}


def prompts_for(*, drinking_goal, medications):
    """The prompts for a drinking goal and the medication codes of entries that are not stopped, in order."""
    meds = set(medications)
    codes = []
    if Medication.DISULFIRAM in meds and drinking_goal == DrinkingGoal.REDUCED:
        codes.append(SafetyPrompt.DISULFIRAM_REDUCED_DRINKING)
    if meds & NALTREXONE:
        codes.append(SafetyPrompt.NALTREXONE_OPIOIDS)
    if Medication.ACAMPROSATE in meds:
        codes.append(SafetyPrompt.ACAMPROSATE_KIDNEYS)
    if meds & (NALTREXONE | {Medication.DISULFIRAM}):
        codes.append(SafetyPrompt.LIVER_DISEASE)
    return [PROMPTS[code] for code in codes]


def prompts_for_version(version):
    """The prompts of a plan version as it is saved (uses prefetched medications when present)."""
    return prompts_for(drinking_goal=version.drinking_goal,
                       medications=[m.medication for m in version.medications.all()
                                    if m.status != MedicationStatus.STOPPED])


def answer_problems(prompts, answers):
    """What stops signing, given ``answers`` ({prompt code: (answer, note)}): an unacknowledged prompt that needs
    an acknowledgement with a reason, or an answer that is not one of the prompt's."""
    problems = []
    for prompt in prompts:
        answer, note = answers.get(prompt.code, ("", ""))
        if answer and answer not in prompt.answer_labels:
            problems.append(gettext("“%(title)s”: choose one of the answers offered.") % {"title": prompt.title})
        elif prompt.needs_acknowledgement and (answer != ACKNOWLEDGED or not (note or "").strip()):
            problems.append(gettext("“%(title)s” needs an acknowledgement with a reason before the plan is signed.")
                            % {"title": prompt.title})
    return problems
