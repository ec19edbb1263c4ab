from django.urls import path

from .views import audit, emergency, staff

app_name = "staff"

urlpatterns = [
    path("", staff.staff_list, name="list"),
    path("new/", staff.staff_create, name="create"),
    path("<int:pk>/edit/", staff.staff_edit, name="edit"),
    path("<int:pk>/active/", staff.staff_set_active, name="set_active"),
    path("audit/", audit.audit_trail, name="audit"),
    path("emergency-access/", emergency.emergency_access_list, name="emergency_access"),
    path("emergency-access/<int:pk>/end/", emergency.emergency_access_end, name="emergency_access_end"),
]
