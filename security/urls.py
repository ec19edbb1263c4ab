from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("accounts/confirm-password/", views.confirm_password, name="confirm_password"),
    path("accounts/two-factor/", views.two_factor_overview, name="two_factor"),
    path("accounts/two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/recovery-codes/new/", views.recovery_codes_new, name="recovery_codes_new"),
    path("accounts/two-factor/turn-off/", views.two_factor_disable, name="two_factor_disable"),
    path("accounts/session/status/", views.session_status, name="session_status"),
    path("accounts/session/keep-alive/", views.session_keepalive, name="session_keepalive"),
    path("staff/security/", views.clinic_security, name="clinic_security"),
    path("staff/<int:pk>/end-sessions/", views.staff_end_sessions, name="staff_end_sessions"),
    path("staff/<int:pk>/reset-two-factor/", views.staff_reset_two_factor, name="staff_reset_two_factor"),
]
