from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from . import audit
from .forms import TwoFactorRuleForm
from .models import AuditAction, AuditEntry, CareTeamMember, Clinic, Patient, StaffMember, StaffRole

ADMIN_DETAIL = "Django admin"


class PatientDataAdmin(admin.ModelAdmin):
    """Django admin for patient data (patients, and anything that belongs to a patient): every page that shows
    it and every change is written to the audit trail of the patient's clinic, as the product's own pages are.

    ``patient_path`` is the lookup from the model to its patient ("" for ``Patient`` itself). Lists record one
    entry per clinic whose patients they show; an object's page, its history and its delete confirmation record
    a view; adding, changing and deleting record what was done (through Django admin's own log hooks, so bulk
    actions and list edits count too). Patient data may not be offered in autocomplete (tests check this).
    """

    patient_path = "patient"

    def _lookup(self, name):
        return f"{self.patient_path}__{name}" if self.patient_path else name

    def _patients_of(self, pks):
        """(clinic id, patient public id) of the objects with these primary keys, in one query."""
        return list(self.model._default_manager.filter(pk__in=list(pks))
                    .values_list(self._lookup("clinic_id"), self._lookup("public_id")).distinct())

    def _record_each(self, request, action, pks):
        for clinic_id, public_id in self._patients_of(pks):
            audit.record(request, action, clinic_id=clinic_id, patient_public_id=public_id, detail=ADMIN_DETAIL)

    def _record_list(self, request, pks):
        by_clinic = {}
        for clinic_id, _public_id in self._patients_of(pks):
            by_clinic[clinic_id] = by_clinic.get(clinic_id, 0) + 1
        for clinic_id, count in by_clinic.items():
            audit.record(request, AuditAction.VIEW, clinic_id=clinic_id,
                         detail=f"{ADMIN_DETAIL}: list of {self.model._meta.verbose_name_plural} "
                                f"({count} patient{'s' if count != 1 else ''})")

    @staticmethod
    def _shown(response):
        return isinstance(response, TemplateResponse) and response.status_code == 200

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if self._shown(response):
            changelist = (response.context_data or {}).get("cl")
            if changelist is not None:
                self._record_list(request, [obj.pk for obj in changelist.result_list])
            elif request.method == "POST":
                # An action's confirmation page (such as "delete selected") lists the chosen records.
                self._record_each(request, AuditAction.VIEW, request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME))
        return response

    def _record_object_page(self, request, response):
        if self._shown(response):
            original = (response.context_data or {}).get("original") or (response.context_data or {}).get("object")
            if original is not None:
                self._record_each(request, AuditAction.VIEW, [original.pk])
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._record_object_page(request, super().change_view(request, object_id, form_url, extra_context))

    def history_view(self, request, object_id, extra_context=None):
        return self._record_object_page(request, super().history_view(request, object_id, extra_context))

    def delete_view(self, request, object_id, extra_context=None):
        return self._record_object_page(request, super().delete_view(request, object_id, extra_context))

    def log_addition(self, request, obj, message):
        self._record_each(request, AuditAction.CREATE, [obj.pk])
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._record_each(request, AuditAction.CHANGE, [obj.pk])
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        self._record_each(request, AuditAction.DELETE, [obj.pk for obj in queryset])
        return super().log_deletions(request, queryset)


class ClinicAdminForm(TwoFactorRuleForm, forms.ModelForm):
    website = forms.URLField(required=False, max_length=200, assume_scheme="https")
    plan_review_days = forms.IntegerField(
        label=_("Days until a plan's next review"), required=False, min_value=7, max_value=730,
        help_text=_("The next review a new draft proposes when the plan it revises was due for review already. "
                    "Empty: 90 days."))

    def clean_plan_review_days(self):
        return self.cleaned_data["plan_review_days"] or self.instance.plan_review_days or 90

    class Meta:
        model = Clinic
        fields = ["name", "time_zone", "address_line1", "address_line2", "city", "state", "postal_code", "phone", "fax",
                  "email", "website", "require_two_factor", "limit_to_caseload", "plan_review_days"]


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    """A new clinic requires two-factor; making it optional needs a reason, recorded with who and when."""

    form = ClinicAdminForm
    list_display = ["name", "time_zone", "city", "state", "require_two_factor"]
    search_fields = ["name"]
    readonly_fields = ["two_factor_optional_reason_kept", "two_factor_optional_by", "two_factor_optional_since"]

    @admin.display(description="reason on record")
    def two_factor_optional_reason_kept(self, obj):
        return obj.two_factor_optional_reason or "—"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.two_factor_rule_by = request.user
        return form


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 1


@admin.register(StaffMember)
class StaffMemberAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "clinic", "is_active"]
    list_filter = ["clinic", "is_active", "staff_roles__role"]
    fieldsets = UserAdmin.fieldsets + (("Clinic", {"fields": ("clinic", "job_title", "phone")}),)
    inlines = [StaffRoleInline]


class CareTeamInline(admin.TabularInline):
    model = CareTeamMember
    extra = 0
    autocomplete_fields = ["staff"]


@admin.register(Patient)
class PatientAdmin(PatientDataAdmin):
    patient_path = ""
    list_display = ["mrn", "last_name", "first_name", "clinic"]
    list_filter = ["clinic"]
    search_fields = ["mrn", "last_name", "first_name"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
    inlines = [CareTeamInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, edits or deletes audit entries, superusers included."""

    list_display = ["at", "clinic", "actor", "action", "patient_public_id", "what", "ip_address"]
    list_filter = ["action", "clinic"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
