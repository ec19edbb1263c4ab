from django.urls import reverse


def navigation(request):
    """Main navigation entries for the logged-in staff member's roles, with the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.clinic_id is None:
        return {"nav_items": []}
    entries = [("Home", reverse("home")), ("Patients", reverse("patients:list"))]
    if user.is_clinician:
        entries.append(("Plans due", reverse("patients:plans_due")))
    if user.is_clinic_admin:
        entries.append(("Staff", reverse("staff:list")))
    path = request.path
    # The longest matching entry is the current one (e.g. /patients/plans/due/ is not "Patients").
    matches = [url for _label, url in entries if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len, default=None)
    return {
        "nav_items": [
            {"label": label, "url": url, "active": url == current}
            for label, url in entries
        ]
    }
