import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from patients.access import role_required
from patients.models import Clinic, Role, StaffMember

from . import sessions, two_factor
from .decorators import mark_password_confirmed, recent_password_required
from .forms import ClinicSecurityForm, CodeForm, LoginForm, PasswordConfirmForm, PasswordResetForm
from .models import StaffSession

admin_required = role_required(Role.CLINIC_ADMIN)


def _safe_next(request, default="home"):
    """A local path to go back to, or ``default``. Anything else (another host, a bare word) is ignored."""
    target = request.POST.get("next") or request.GET.get("next")
    if (target and target.startswith("/")
            and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())):
        return target
    return reverse(default)


# Login and password change ------------------------------------------------------------------

class LoginView(auth_views.LoginView):
    """Django's login, slowed for an account under guessing (``limits``). Entering the password also counts as
    a fresh re-authentication (``signals``)."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "password_reset_by_email": settings.PASSWORD_RESET_BY_EMAIL}


class PasswordResetOffMixin:
    """With ``PASSWORD_RESET_BY_EMAIL`` off (no e-mail server configured), the reset pages say so and send
    nothing: a reset link must never end up in the server's log."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.PASSWORD_RESET_BY_EMAIL:
            return render(request, "registration/password_reset_off.html", status=404)
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(PasswordResetOffMixin, auth_views.PasswordResetView):
    """Django's reset by e-mail, limited per address and per e-mail address (``limits``)."""

    form_class = PasswordResetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("email", "too_many_resets"):
            response.status_code = 429
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which keeps this session; every other session of the user ends."""

    def form_valid(self, form):
        response = super().form_valid(form)
        request = self.request
        ended = sessions.end_sessions(request.user, keep_session_key=request.session.session_key)
        StaffSession.objects.get_or_create(session_key=request.session.session_key,
                                           defaults={"staff": request.user})
        mark_password_confirmed(request)
        if ended:
            messages.info(request, _("Your other sessions (%(ended)s) were logged out.") % {"ended": ended})
        return response


class PasswordResetConfirmView(PasswordResetOffMixin, auth_views.PasswordResetConfirmView):
    """Django's reset by e-mailed link; every session of the account ends (whoever had them)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        sessions.end_sessions(form.user)
        return response


@login_required
def confirm_password(request):
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # authenticate() goes through django-axes, so guessing here counts towards the lockout too.
        user = authenticate(request, username=request.user.get_username(), password=form.cleaned_data["password"])
        if user is not None and user.pk == request.user.pk:
            mark_password_confirmed(request)
            return redirect(_safe_next(request, "security:two_factor"))
        form.add_error("password", _("That password is not right."))
    context = {"form": form, "next": _safe_next(request, "security:two_factor")}
    return render(request, "security/confirm_password.html", context)


# Two-factor: the staff member's own settings ---------------------------------------------------

@login_required
def two_factor_overview(request):
    user = request.user
    return render(request, "security/two_factor.html", {
        "enabled": two_factor.has_two_factor(user),
        "codes_left": two_factor.recovery_codes_left(user),
        "required": two_factor.requirement(user),
    })


@login_required
@recent_password_required()
def two_factor_setup(request):
    device = two_factor.pending_app_device(request.user)
    form = CodeForm(request.POST or None, app_only=True)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_app_device(device, form.cleaned_data["code"])
        except two_factor.CodeRefused as refused:
            form.add_error("code", str(refused))
        else:
            device.refresh_from_db()
            django_otp.login(request, device)
            two_factor.remember_status(request, True)
            ended = sessions.end_sessions(request.user, keep_session_key=request.session.session_key)
            if ended:
                messages.success(request, _("Two-factor authentication is on. Your other sessions (%(ended)s) were "
                                            "logged out.") % {"ended": ended})
            else:
                messages.success(request, _("Two-factor authentication is on."))
            return _show_recovery_codes(request, codes)
    return render(request, "security/two_factor_setup.html", {
        "form": form,
        "qr_code": two_factor.qr_code_data_uri(device),
        "secret": two_factor.secret_for_display(device),
        "required": two_factor.requirement(request.user),
    })


def _show_recovery_codes(request, codes):
    """The new codes, in the answer to the POST that made them: they are kept nowhere else in readable form
    (not even in the session until a redirect is followed), so this is the only time they are shown."""
    return render(request, "security/recovery_codes.html", {"codes": codes})


@login_required
@require_POST
@recent_password_required(back="security:two_factor")
def recovery_codes_new(request):
    if not two_factor.has_two_factor(request.user):
        return redirect("security:two_factor")
    codes = two_factor.new_recovery_codes(request.user)
    messages.success(request, _("New recovery codes made. The old ones no longer work."))
    return _show_recovery_codes(request, codes)


@login_required
@require_POST
@recent_password_required(back="security:two_factor")
def two_factor_disable(request):
    user = request.user
    required = two_factor.requirement(user)
    if required:
        messages.error(request, _("%(required)s It cannot be turned off. To move it to a new phone, set it up again.")
                                % {"required": required})
        return redirect("security:two_factor")
    two_factor.turn_off(user)
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    two_factor.remember_status(request, False)
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("security:two_factor")


@login_required
def two_factor_verify(request):
    if two_factor.is_verified(request) or not two_factor.has_two_factor(request.user):
        return redirect(_safe_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.verify(request.user, form.cleaned_data["code"])
        except two_factor.CodeRefused as refused:
            form.add_error("code", str(refused))
        else:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(request, _("You used a recovery code; %(left)s left. Make new ones from your "
                                            "two-factor settings if you are running low.") % {"left": left})
            return redirect(_safe_next(request))
    return render(request, "security/two_factor_verify.html", {"form": form, "next": _safe_next(request)})


# Session warning support (static/js/session-timeout.js) ----------------------------------------

@require_GET
def session_status(request):
    """Seconds left in this session; does not count as activity."""
    left = sessions.seconds_left(request.session) if request.user.is_authenticated else 0
    return JsonResponse({"seconds_left": left})


@require_POST
def session_keepalive(request):
    """'Stay logged in': counts as activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"seconds_left": 0}, status=401)
    sessions.record_activity(request, force=True)
    return JsonResponse({"seconds_left": sessions.seconds_left(request.session)})


# Clinic admin: the clinic's security settings and staff sessions --------------------------------

def _clinic_staff(request):
    return StaffMember.objects.filter(clinic_id=request.user.clinic_id)


@admin_required
def clinic_security(request):
    # A copy, so that a refused change does not alter the clinic this request's user carries.
    clinic = Clinic.objects.select_related("two_factor_optional_by").get(pk=request.user.clinic_id)
    form = ClinicSecurityForm(request.POST or None, instance=clinic, by=request.user)
    if request.method == "POST":
        return _save_clinic_security(request, form)
    return _clinic_security_page(request, form)


def _clinic_security_page(request, form, status=200):
    staff = (
        _clinic_staff(request).filter(is_active=True)
        .annotate(two_factor_on=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
                  session_count=sessions.live_session_count_subquery())
    )
    return render(request, "security/clinic_security.html",
                  {"form": form, "clinic": form.instance, "staff_members": staff}, status=status)


@recent_password_required(back="security:clinic_security")
def _save_clinic_security(request, form):
    if not form.is_valid():
        form.instance.refresh_from_db()
        return _clinic_security_page(request, form)
    form.save()
    messages.success(request, " ".join([
        "Two-factor authentication is now required for all staff."
        if form.instance.require_two_factor else "Two-factor authentication is optional.",
        "Staff see only their caseload; other records need a stated reason (emergency access)."
        if form.instance.limit_to_caseload else "Staff see every patient of the clinic.",
    ]))
    return redirect("security:clinic_security")


@admin_required
@require_POST
def staff_end_sessions(request, pk):
    staff = get_object_or_404(_clinic_staff(request), pk=pk)
    keep = request.session.session_key if staff.pk == request.user.pk else None
    ended = sessions.end_sessions(staff, keep_session_key=keep)
    messages.success(request, ngettext("Ended %(ended)s session of %(staff)s.",
                                       "Ended %(ended)s sessions of %(staff)s.", ended)
                              % {"ended": ended, "staff": staff})
    return redirect(_safe_next(request, "security:clinic_security"))


@admin_required
@require_POST
@recent_password_required(back="security:clinic_security")
def staff_reset_two_factor(request, pk):
    staff = get_object_or_404(_clinic_staff(request), pk=pk)
    if staff.pk == request.user.pk:
        messages.error(request, _("Change your own two-factor settings from your account menu."))
        return redirect("security:clinic_security")
    two_factor.turn_off(staff)
    sessions.end_sessions(staff)
    messages.success(request, _("Two-factor authentication of %(staff)s was reset and their sessions ended. They set "
                                "it up again at their next login.") % {"staff": staff})
    return redirect("security:clinic_security")
