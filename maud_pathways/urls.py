from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from security import views as security_views

from . import overview, views
from .fhir import views as fhir_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("overview/", overview.clinic_overview, name="overview"),
    path("accounts/login/", security_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", security_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/", security_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("patients/<uuid:public_id>/fhir-r4.json", fhir_views.patient_fhir_export, name="patient_fhir_export"),
    path("patients/", include("patients.urls")),
    path("staff/", include("patients.staff_urls")),
    path("", include("wellness.urls")),
    path("", include("referrals.urls")),
    path("", include("security.urls")),
    path("django-admin/", admin.site.urls),
]
