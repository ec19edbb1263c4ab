from django.urls import reverse
from django.utils.translation import gettext


def navigation(request):
    """Main navigation entries for the logged-in staff member's roles, with the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.clinic_id is None:
        return {"nav_items": []}
    entries = [(gettext("Home"), reverse("home")), (gettext("Patients"), reverse("patients:list"))]
    if user.is_clinician:
        entries.append((gettext("Plans due"), reverse("patients:plans_due")))
    entries.append((gettext("Directory"), reverse("referrals:directory")))
    if user.is_clinician or user.is_clinic_admin:
        entries.append((gettext("Clinic overview"), reverse("overview")))
    if user.is_case_manager:
        entries.append((gettext("My queue"), reverse("referrals:case_manager_queue")))
    if user.is_clinic_admin:
        entries.append((gettext("Staff"), reverse("staff:list")))
        entries.append((gettext("Questionnaires"), reverse("wellness:questionnaire_list")))
        entries.append((gettext("Audit trail"), reverse("staff:audit")))
    path = request.path
    # The current entry is the one whose URL is the longest prefix of the path ("/" only for itself).
    matches = [url for _, url in entries if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len) if matches else None
    return {"nav_items": [{"label": label, "url": url, "active": url == current} for label, url in entries]}
