"""The patient list (``patients:list``): the clinic's patients with where each stands on the pathway.

Composed here because it reads every stop (``patients`` must not import the others). Search, date of birth and
"my patients" are the patients app's own form; the pathway filter (``PATHWAY_FILTERS``) is asked in SQL, so a
page costs the same queries whatever the size of the clinic: the count, the ids of one page, those patients
with the pathway's facts, their care teams, and the few queries of ``build_pathways`` for that page.
"""

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.utils.translation import gettext_lazy as _

from patients.forms import PatientSearchForm
from patients.models import Patient

from .pathway import PATHWAY_FILTERS, StopStatus, build_pathways, patients_with_pathway


class PatientListForm(PatientSearchForm):
    status = forms.ChoiceField(label=_("Pathway"), required=False,
                               choices=[("", "Any status"), *((f.key, f.label) for f in PATHWAY_FILTERS.values())])


def patient_listing(user, form, today, *, page_number):
    """``(page, scope, outside_caseload)`` for the list's form (bound to the query, or unbound)."""
    patients = Patient.objects.visible_to(user)
    scope = PatientSearchForm.SCOPE_ALL
    outside_caseload = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        outside_caseload = Patient.objects.outside_caseload_by_mrn(user, data["q"])
        patients = patients.search(data["q"])
        if data["dob"]:
            patients = patients.filter(date_of_birth=data["dob"])
        if data["status"]:
            patients = patients.filter(PATHWAY_FILTERS[data["status"]].q(today))
        scope = data["scope"] or PatientSearchForm.SCOPE_ALL
    elif form.is_bound:
        patients = patients.none()
    if scope == PatientSearchForm.SCOPE_MINE:
        patients = patients.on_care_team_of(user)
    # The page's ids first (the database sorts the clinic by name without working out anyone's pathway), then
    # those patients with the pathway's facts.
    page, ids = _page_of_ids(patients, page_number, settings.PATIENTS_PER_PAGE)
    shown = patients_with_pathway(ids)
    pathways = build_pathways(shown, today)
    page.object_list = [_row(patient, pathways[patient.pk], user) for patient in shown]
    return page, scope, outside_caseload


#: A page number above this is past the last page of any clinic (asking the database for such an offset overflows).
_MOST_PAGES = 1_000_000


def _page_of_ids(patients, page_number, per_page):
    """``(page, ids)``: the ids of one page of ``patients`` and, in the same query, how many there are in all (a
    window count, as the work queues do: with a pathway filter, counting first and then paging asked the database
    to work the filter out twice). A page past the last, or not a number, gives what ``Paginator.get_page`` gives."""
    paginator = Paginator(patients.values_list("pk", flat=True), per_page=per_page)
    try:
        number = int(page_number or 1)
    except (TypeError, ValueError):
        number = 1  # not a number: the first page, as Paginator.get_page gives
    if 1 <= number <= _MOST_PAGES:
        start = (number - 1) * per_page
        rows = list(patients.annotate(listed=Window(Count("pk"))).values_list("pk", "listed")[start:start + per_page])
        if rows or number == 1:
            paginator.__dict__["count"] = rows[0][1] if rows else 0  # Paginator.count, known without a query
            page = paginator.page(number)
            return page, [pk for pk, _listed in rows]
    page = paginator.get_page(page_number)  # past the last page: the last one, counted and paged as Django does
    return page, list(page.object_list)


def _row(patient, pathway, user):
    """A row: the patient, the pathway at a glance, and the next step (the user's own first)."""
    mine = [stop for stop in pathway.stops if stop.is_turn_of(user)]
    yours = next((stop for stop in mine if stop.status == StopStatus.NEEDS_ATTENTION), mine[0] if mine else None)
    return {"patient": patient, "pathway": pathway, "yours": yours, "next": yours or pathway.next_stop}
