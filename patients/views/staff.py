from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import role_required
from ..forms import NewStaffMemberForm, StaffMemberForm
from ..models import Role, StaffMember

admin_required = role_required(Role.CLINIC_ADMIN)


def _clinic_staff(request):
    """Staff accounts of the admin's own clinic: another clinic's account is a 404."""
    return StaffMember.objects.with_roles().filter(clinic_id=request.user.clinic_id)


@admin_required
def staff_list(request):
    return render(request, "patients/staff_list.html", {"staff_members": _clinic_staff(request)})


@admin_required
def staff_create(request):
    form = NewStaffMemberForm(request.POST or None, clinic=request.user.clinic)
    if request.method == "POST" and form.is_valid():
        staff = form.save()
        messages.success(request, _("Account for %(staff)s created. Pass the initial password on in person.")
                                  % {"staff": staff})
        return redirect("staff:list")
    return render(request, "patients/staff_form.html", {"form": form, "staff_member": None})


@admin_required
def staff_edit(request, pk):
    staff = get_object_or_404(_clinic_staff(request), pk=pk)
    form = StaffMemberForm(request.POST or None, instance=staff, clinic=request.user.clinic)
    if request.method == "POST" and form.is_valid():
        if staff == request.user and Role.CLINIC_ADMIN not in form.cleaned_data["roles"]:
            form.add_error("roles", _("You cannot remove your own clinic admin role."))
        else:
            form.save()
            messages.success(request, _("Account of %(staff)s saved.") % {"staff": staff})
            return redirect("staff:list")
    return render(request, "patients/staff_form.html", {"form": form, "staff_member": staff})


@admin_required
@require_POST
def staff_set_active(request, pk):
    staff = get_object_or_404(_clinic_staff(request), pk=pk)
    activate = request.POST.get("active") == "1"
    if staff == request.user and not activate:
        messages.error(request, _("You cannot deactivate your own account."))
        return redirect("staff:list")
    staff.is_active = activate
    staff.save(update_fields=["is_active"])
    if activate:
        messages.success(request, _("Account of %(staff)s reactivated.") % {"staff": staff})
    else:
        messages.success(request, _("Account of %(staff)s deactivated.") % {"staff": staff})
    return redirect("staff:list")
