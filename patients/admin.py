from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AuditEntry, CareTeamMember, Clinic, Patient, StaffMember, StaffRole


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "city", "state"]
    search_fields = ["name"]


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
class PatientAdmin(admin.ModelAdmin):
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
