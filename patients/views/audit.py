from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .. import audit
from ..access import role_required
from ..forms import FilterDateField
from ..models import AuditAction, AuditEntry, Patient, Role, StaffMember


class AuditFilterForm(forms.Form):
    mrn = forms.CharField(label=_("Patient MRN"), required=False, max_length=40)
    staff = forms.ModelChoiceField(label=_("Staff member"), queryset=StaffMember.objects.none(), required=False)
    action = forms.ChoiceField(label=_("Action"), choices=[("", _("Any"))] + AuditAction.choices, required=False)
    since = FilterDateField(label=_("From"), required=False)
    until = FilterDateField(label=_("Until"), required=False)

    def __init__(self, *args, clinic_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = StaffMember.objects.filter(clinic_id=clinic_id)


@role_required(Role.CLINIC_ADMIN)
@audit.lists_patients("audit trail")
def audit_trail(request):
    """The clinic's audit trail, filtered by patient, staff member, action and dates. Read-only."""
    clinic_id = request.user.clinic_id
    form = AuditFilterForm(request.GET or None, clinic_id=clinic_id)
    entries = AuditEntry.objects.for_clinic(clinic_id).select_related("actor")
    patient = None
    if form.is_valid():
        data = form.cleaned_data
        if data["mrn"]:
            patient = Patient.objects.identifiable_by(request.user).filter(mrn__iexact=data["mrn"].strip()).first()
            entries = entries.filter(patient_public_id=patient.public_id) if patient else entries.none()
        if data["staff"]:
            entries = entries.filter(actor=data["staff"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["since"]:
            entries = entries.filter(at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(at__date__lte=data["until"])
    elif request.GET:
        entries = entries.none()
    page = Paginator(entries, per_page=settings.PATIENTS_PER_PAGE * 2).get_page(request.GET.get("page"))
    ids = {e.patient_public_id for e in page.object_list if e.patient_public_id}
    patients = {p.public_id: p for p in Patient.objects.identifiable_by(request.user).filter(public_id__in=ids)}
    for entry in page.object_list:
        entry.patient = patients.get(entry.patient_public_id)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "patients/audit_trail.html", {
        "form": form, "page": page, "patient": patient, "query_string": query.urlencode(),
    })
