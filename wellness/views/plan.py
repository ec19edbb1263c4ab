"""The patient's wellness plan: view, edit its sections and lists, history, and the print view."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from patients.access import clinic_staff_required, patient_for_request, require_care_team
from patients.languages import material_language
from patients.models import Patient

from ..forms import SignAndActionForm, SupportForm, WellnessGoalForm, WellnessPlanForm, changed_fields, filled_fields
from ..models import PlanChange, SignAndAction, Support, WellnessGoal
from ..wellness_plans import CARE_TEAM_ONLY, GOALS, plan_for, remove_item, save_item, save_sections

RECENT_CHANGES = 8

# The lists inside a plan, by the name used in URLs: (model, form, section name in the history, noun). The noun
# names the item alone (the breadcrumb); sentences about an item are whole sentences per list, below.
PLAN_LISTS = {
    "goals": (WellnessGoal, WellnessGoalForm, GOALS, gettext_lazy("goal")),
    "signs": (SignAndAction, SignAndActionForm, "Triggers and warning signs", gettext_lazy("trigger or warning sign")),
    "supports": (Support, SupportForm, "Supports", gettext_lazy("support")),
}
# The add/edit page of an item, by list: {"add"/"edit": (page title, heading)}; whole sentences, as each language
# words the article and the noun together.
ITEM_FORM_TEXT = {
    "goals": {"add": (gettext_lazy("Add goal"), gettext_lazy("Add a goal")),
              "edit": (gettext_lazy("Edit goal"), gettext_lazy("Edit the goal"))},
    "signs": {"add": (gettext_lazy("Add trigger or warning sign"), gettext_lazy("Add a trigger or warning sign")),
              "edit": (gettext_lazy("Edit trigger or warning sign"), gettext_lazy("Edit the trigger or warning sign"))},
    "supports": {"add": (gettext_lazy("Add support"), gettext_lazy("Add a support")),
                 "edit": (gettext_lazy("Edit support"), gettext_lazy("Edit the support"))},
}
# What staff read once an item is saved or removed, by list (whole sentences, so each language words its own).
SAVED = {
    "goals": gettext_lazy("The goal is saved in the wellness plan."),
    "signs": gettext_lazy("The trigger or warning sign is saved in the wellness plan."),
    "supports": gettext_lazy("The support is saved in the wellness plan."),
}
REMOVED = {
    "goals": gettext_lazy("Removed the goal “%(item)s” from the wellness plan."),
    "signs": gettext_lazy("Removed the trigger or warning sign “%(item)s” from the wellness plan."),
    "supports": gettext_lazy("Removed the support “%(item)s” from the wellness plan."),
}
# The confirmation before a removal, by list: (title, button, question with the item and the patient).
CONFIRM_REMOVAL = {
    "goals": (gettext_lazy("Remove this goal?"), gettext_lazy("Remove the goal"),
              gettext_lazy("Remove the goal “%(item)s” from %(patient)s's wellness plan?")),
    "signs": (gettext_lazy("Remove this trigger or warning sign?"), gettext_lazy("Remove the trigger or warning sign"),
              gettext_lazy("Remove the trigger or warning sign “%(item)s” from %(patient)s's wellness plan?")),
    "supports": (gettext_lazy("Remove this support?"), gettext_lazy("Remove the support"),
                 gettext_lazy("Remove the support “%(item)s” from %(patient)s's wellness plan?")),
}


@clinic_staff_required
def plan_detail(request, public_id):
    patient = patient_for_request(request, public_id)
    plan = plan_for(patient, with_lists=True)
    changes = list(plan.changes.select_related("changed_by")[:RECENT_CHANGES]) if plan else []
    return render(request, "wellness/plan_detail.html", {
        "patient": patient, "plan": plan, "changes": changes,
        "can_edit": patient.has_on_care_team(request.user),
    })


@clinic_staff_required
def plan_edit(request, public_id):
    patient = patient_for_request(request, public_id)
    require_care_team(request.user, patient, CARE_TEAM_ONLY)
    plan = plan_for(patient)
    form = WellnessPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        if form.has_changed() or plan is None:
            save_sections(patient, sections=form.cleaned_data, changes=changed_fields(form), by=request.user)
            messages.success(request, _("Wellness plan saved."))
        return redirect("wellness:plan", patient.public_id)
    return render(request, "wellness/plan_form.html", {"patient": patient, "form": form, "plan": plan})


def _list_or_404(kind):
    try:
        return PLAN_LISTS[kind]
    except KeyError:
        raise Http404("No such part of the plan.") from None


@clinic_staff_required
def plan_item_edit(request, public_id, kind, pk=None):
    """Add (pk None) or change a goal, a trigger or warning sign, or a support."""
    model, form_class, section, noun = _list_or_404(kind)
    patient = patient_for_request(request, public_id)
    require_care_team(request.user, patient, CARE_TEAM_ONLY)
    plan = plan_for(patient)
    item = None
    if pk is not None:
        if plan is None:
            raise Http404("No such item.")
        item = get_object_or_404(model, pk=pk, plan=plan)
    form = form_class(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        save_item(patient, item=form.save(commit=False), section=section, by=request.user,
                  changes=filled_fields(form) if item is None else changed_fields(form))
        messages.success(request, SAVED[kind])
        return redirect("wellness:plan", patient.public_id)
    title, heading = ITEM_FORM_TEXT[kind]["add" if item is None else "edit"]
    return render(request, "wellness/plan_item_form.html", {
        "patient": patient, "form": form, "item": item, "noun": noun, "kind": kind, "title": title, "heading": heading,
    })


@clinic_staff_required
@require_POST
def plan_item_remove(request, public_id, kind, pk):
    model, _form_class, section, noun = _list_or_404(kind)
    patient = patient_for_request(request, public_id)
    plan = plan_for(patient)
    if plan is None:
        raise Http404("No such item.")
    item = get_object_or_404(model, pk=pk, plan=plan)
    require_care_team(request.user, patient, CARE_TEAM_ONLY)
    if request.POST.get("confirm") != "yes":  # the Remove button asks first; the confirmation posts confirm=yes
        title, button, question = CONFIRM_REMOVAL[kind]
        return render(request, "confirm_remove.html", {
            "patient": patient, "title": title, "button": button,
            "question": question % {"item": item, "patient": patient.display_name},
            "consequence": _("The plan's history keeps what it said, who removed it and when."),
            "action": request.path, "back_url": reverse("wellness:plan", args=[patient.public_id]),
            "back_label": _("Wellness plan"),
        })
    remove_item(plan, item=item, section=section, by=request.user)
    messages.success(request, REMOVED[kind] % {"item": item})
    return redirect("wellness:plan", patient.public_id)


@clinic_staff_required
def plan_history(request, public_id):
    patient = patient_for_request(request, public_id)
    plan = plan_for(patient)
    changes = plan.changes.select_related("changed_by") if plan else PlanChange.objects.none()
    page = Paginator(changes, per_page=50).get_page(request.GET.get("page"))
    return render(request, "wellness/plan_history.html", {"patient": patient, "plan": plan, "page": page})


@clinic_staff_required
def plan_print(request, public_id):
    patient = patient_for_request(request, public_id, queryset=Patient.objects.select_related("clinic"))
    plan = plan_for(patient, with_lists=True)
    return render(request, "wellness/plan_print.html", {"patient": patient, "plan": plan, "clinic": patient.clinic,
                                                        "material": material_language(patient)})
