from django.urls import reverse


def navigation(request):
    """Main navigation entries for the logged-in staff member's roles, with the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.clinic_id is None:
        return {"nav_items": []}
    entries = [("Home", reverse("home")), ("Patients", reverse("patients:list"))]
    entries.append(("Directory", reverse("referrals:directory")))
    if user.is_case_manager:
        entries.append(("My queue", reverse("referrals:case_manager_queue")))
    if user.is_clinic_admin:
        entries.append(("Staff", reverse("staff:list")))
    path = request.path
    return {
        "nav_items": [
            {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
            for label, url in entries
        ]
    }
