"""What the patient page and the Stop 3 page show: who leads, conversations, referrals, consents."""

from django.db.models import Count, Prefetch

from .lead import stop3_lead
from .models import Consent, Disclosure, FirstMeetingPlan, MutualSupportConversation, Referral, ReferralTransition


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
    return _summary(patient, convos, referrals, consents)


def stop3_in_brief(patient, *, any_conversation=True):
    """``stop3_summary`` as the patient page shows it (its Stop 3 and Stop 4 sections), loading only what they read:
    the last conversation with who held it; the referrals with the name of their program or meeting, their history
    (with who made each move) and first-meeting plans (with the companion); the consents with their disclosure
    counts. No more queries than ``stop3_summary``, each narrower: building the wider ones cost the page more Python
    than the database took. ``any_conversation=False`` (the caller knows none is logged) skips that query."""
    convos = (list(MutualSupportConversation.objects.filter(patient=patient).select_related("held_by")[:1])
              if any_conversation else [])
    # The program and meeting give their names only (``Referral.target_name``): they are wide rows.
    referrals = list(
        Referral.objects.filter(patient=patient).select_related("program", "meeting")
        .only(*(f.name for f in Referral._meta.concrete_fields), "program__name", "meeting__name")
        .prefetch_related(
            Prefetch("transitions", queryset=ReferralTransition.objects.select_related("by")),
            Prefetch("first_meeting_plans", queryset=FirstMeetingPlan.objects.select_related("companion")),
        )
    )
    consents = list(Consent.objects.filter(patient=patient).annotate(disclosure_count=Count("disclosures")))
    return _summary(patient, convos, referrals, consents)


def _summary(patient, convos, referrals, consents):
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
