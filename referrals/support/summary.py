"""What the patient page and the Stop 3 page show: who leads, conversations, referrals, consents."""

from django.db.models import Count

from .lead import stop3_lead
from .models import Consent, Disclosure, MutualSupportConversation, Referral


def stop3_summary(patient, conversations=1):
    """A fixed number of queries, whatever the number of referrals and history entries.

    Expects ``patient`` fetched with its care team (``Patient.objects.with_care_team()``).
    """
    convo_qs = MutualSupportConversation.objects.filter(patient=patient).select_related("held_by",
                                                                                         "next_step_done_by")
    # The Stop 3 page (all conversations) shows which concerns became barriers; the patient page does not.
    convos = list(convo_qs[:conversations]) if conversations else list(convo_qs.prefetch_related("concern_barriers"))
    referrals = list(Referral.objects.filter(patient=patient).with_history())
    consents = list(Consent.objects.filter(patient=patient).select_related("program")
                    .annotate(disclosure_count=Count("disclosures")))
    return {
        "patient": patient,
        "lead": stop3_lead(patient),
        "conversations": convos,
        "last_conversation": convos[0] if convos else None,
        "referrals": referrals,
        "open_referrals": [r for r in referrals if r.is_open],
        "closed_referrals": [r for r in referrals if not r.is_open],
        "consents": consents,
        "disclosure_count": Disclosure.objects.filter(patient=patient).count(),
    }
