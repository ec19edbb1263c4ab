"""Recovery-capital questionnaires: every clinic's staff can read them; clinic admins load and edit their own."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients.access import clinic_staff_required, role_required
from patients.models import Role

from ..definitions import DefinitionError
from ..forms import QuestionnaireDefinitionForm
from ..loading import load_definition
from ..models import Questionnaire

admin_required = role_required(Role.CLINIC_ADMIN)


def _available(request):
    return Questionnaire.objects.available_to(request.user.clinic_id).select_related("current_version", "clinic")


def _own(request, pk):
    """One of the admin's own clinic's questionnaires; shared ones and other clinics' are a 404 here."""
    return get_object_or_404(_available(request), pk=pk, clinic_id=request.user.clinic_id)


@clinic_staff_required
def questionnaire_list(request):
    return render(request, "wellness/questionnaire_list.html", {"questionnaires": _available(request)})


@clinic_staff_required
def questionnaire_detail(request, pk):
    questionnaire = get_object_or_404(_available(request), pk=pk)
    versions = questionnaire.versions.select_related("loaded_by").only(
        "number", "loaded_at", "loaded_by__first_name", "loaded_by__last_name", "loaded_by__username",
        "questionnaire_id")
    return render(request, "wellness/questionnaire_detail.html", {
        "questionnaire": questionnaire, "definition": questionnaire.current_version.parsed, "versions": versions,
        "can_edit": request.user.is_clinic_admin and questionnaire.clinic_id == request.user.clinic_id,
    })


@clinic_staff_required
def questionnaire_download(request, pk):
    questionnaire = get_object_or_404(_available(request), pk=pk)
    response = HttpResponse(questionnaire.current_version.parsed.to_json(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{questionnaire.slug}.json"'
    return response


def _save(request, form, expected_slug=None):
    """Load the form's definition for the admin's clinic; a refusal becomes a form error (nothing changes)."""
    try:
        return load_definition(form.cleaned_data["definition"].raw, clinic=request.user.clinic, by=request.user,
                               expected_slug=expected_slug)
    except DefinitionError as exc:
        field = "file" if form.cleaned_data.get("file") else "text"
        for problem in exc.problems:
            form.add_error(field, problem)
        return None


@admin_required
def questionnaire_load(request):
    form = QuestionnaireDefinitionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form)
        if saved:
            questionnaire, version, changed = saved
            messages.success(request, _("Loaded “%(name)s” (version %(number)s).") % {
                "name": questionnaire.name, "number": version.number} if changed else
                _("“%(name)s” was already up to date.") % {"name": questionnaire.name})
            return redirect(questionnaire)
    return render(request, "wellness/questionnaire_form.html", {"form": form, "questionnaire": None},
                  status=400 if form.errors else 200)


@admin_required
def questionnaire_edit(request, pk):
    questionnaire = _own(request, pk)
    initial = {"text": questionnaire.current_version.parsed.to_json()}
    form = QuestionnaireDefinitionForm(request.POST or None, initial=initial, allow_file=False)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, expected_slug=questionnaire.slug)
        if saved:
            _q, version, changed = saved
            messages.success(request, _("Saved as version %(number)s. Earlier assessments keep the version they "
                                        "were taken with.") % {"number": version.number} if changed else
                             _("No changes to save."))
            return redirect(questionnaire)
    return render(request, "wellness/questionnaire_form.html", {"form": form, "questionnaire": questionnaire},
                  status=400 if form.errors else 200)


@admin_required
@require_POST
def questionnaire_set_active(request, pk):
    questionnaire = _own(request, pk)
    questionnaire.is_active = request.POST.get("active") == "1"
    questionnaire.save(update_fields=["is_active"])
    if questionnaire.is_active:
        message = _("“%(questionnaire_name)s” is offered for new assessments.")
    else:
        message = _("“%(questionnaire_name)s” is no longer offered for new assessments.")
    messages.success(request, message % {"questionnaire_name": questionnaire.name})
    return redirect(questionnaire)
