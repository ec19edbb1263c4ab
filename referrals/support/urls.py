"""Stop 3 pages of one patient, mounted under /patients/<public_id>/support/ (namespace ``support``)."""

from django.urls import path

from .views import consent, referrals

app_name = "support"

urlpatterns = [
    path("", referrals.overview, name="overview"),
    path("conversations/new/", referrals.conversation_new, name="conversation_new"),
    path("conversations/<int:pk>/next-step-done/", referrals.next_step_done, name="next_step_done"),
    path("referrals/new/", referrals.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/move/", referrals.referral_move, name="referral_move"),
    path("referrals/<int:pk>/meeting/", referrals.referral_edit, name="referral_edit"),
    path("referrals/<int:pk>/first-meeting/new/", referrals.plan_new, name="plan_new"),
    path("referrals/<int:pk>/first-meeting/<int:plan_id>/outcome/", referrals.plan_outcome, name="plan_outcome"),
    path("referrals/<int:pk>/handout/", referrals.handout, name="handout"),
    path("referrals/<int:pk>/letter/", consent.letter, name="letter"),
    path("consents/new/", consent.consent_new, name="consent_new"),
    path("consents/<int:pk>/", consent.consent_detail, name="consent_detail"),
    path("consents/<int:pk>/revoke/", consent.consent_revoke, name="consent_revoke"),
    path("consents/<int:pk>/disclosures/new/", consent.consent_disclose, name="consent_disclose"),
    path("disclosures/", consent.accounting, name="accounting"),
    path("disclosures/<int:pk>/letter/", consent.disclosure_letter, name="disclosure_letter"),
]
