from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from patients import urls as patient_urls
from patients.views import account as account_views
from security import views as security_views
from security.forms import AdminLoginForm

from . import overview, views
from .fhir import views as fhir_views

#: The patient list, the patient page and its care-team form read every app, so they are composed here; they
#: join the ``patients`` namespace, so their names stay ``patients:list``, ``patients:detail`` and
#: ``patients:care_team_add``.
patient_pages = [
    path("", views.patient_list, name="list"),
    path("<uuid:public_id>/", views.patient_page, name="detail"),
    path("<uuid:public_id>/care-team/add/", views.care_team_add, name="care_team_add"),
]

# Django admin's login counts wrong passwords per account and slows an account under guessing, as ours does.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("overview/", overview.clinic_overview, name="overview"),
    path("queues/<slug:key>/", views.queue_page, name="queue"),
    path("accounts/login/", security_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", security_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("accounts/language/", account_views.account_language, name="account_language"),
    path("accounts/password/reset/", security_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/", security_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("patients/<uuid:public_id>/fhir-r4.json", fhir_views.patient_fhir_export, name="patient_fhir_export"),
    path("patients/", include((patient_pages + patient_urls.urlpatterns, patient_urls.app_name))),
    path("staff/", include("patients.staff_urls")),
    path("", include("wellness.urls")),
    path("", include("referrals.urls")),
    path("", include("security.urls")),
    path("django-admin/", admin.site.urls),
]
