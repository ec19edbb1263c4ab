"""Stop 3 pages of one patient, under /patients/<public_id>/support/: who leads, conversations, referrals and the
first meeting together, Part 2 consents, letters and the accounting of disclosures."""

from django.urls import path

from .views import consent, referrals

PATIENT = "patients/<uuid:public_id>/support/"

urlpatterns = [
    path(PATIENT, referrals.overview, name="support"),
    path(PATIENT + "conversations/new/", referrals.conversation_new, name="conversation_new"),
    path(PATIENT + "conversations/<int:pk>/next-step-done/", referrals.next_step_done, name="next_step_done"),
    path(PATIENT + "conversations/<int:pk>/concerns/<slug:concern>/barrier/", referrals.concern_barrier,
         name="concern_barrier"),
    path(PATIENT + "referrals/new/", referrals.referral_new, name="referral_new"),
    path(PATIENT + "referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path(PATIENT + "referrals/<int:pk>/move/", referrals.referral_move, name="referral_move"),
    path(PATIENT + "referrals/<int:pk>/meeting/", referrals.referral_edit, name="referral_edit"),
    path(PATIENT + "referrals/<int:pk>/first-meeting/new/", referrals.first_meeting_new, name="first_meeting_new"),
    path(PATIENT + "referrals/<int:pk>/first-meeting/<int:plan_id>/outcome/", referrals.first_meeting_outcome,
         name="first_meeting_outcome"),
    path(PATIENT + "referrals/<int:pk>/handout/", referrals.handout, name="handout"),
    path(PATIENT + "referrals/<int:pk>/letter/", consent.letter, name="letter"),
    path(PATIENT + "consents/new/", consent.consent_new, name="consent_new"),
    path(PATIENT + "consents/<int:pk>/", consent.consent_detail, name="consent_detail"),
    path(PATIENT + "consents/<int:pk>/print/", consent.consent_print, name="consent_print"),
    path(PATIENT + "consents/<int:pk>/revoke/", consent.consent_revoke, name="consent_revoke"),
    path(PATIENT + "consents/<int:pk>/disclosures/new/", consent.consent_disclose, name="consent_disclose"),
    path(PATIENT + "disclosures/", consent.accounting, name="accounting"),
    path(PATIENT + "disclosures/<int:pk>/letter/", consent.disclosure_letter, name="disclosure_letter"),
]
