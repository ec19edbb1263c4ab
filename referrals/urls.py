"""Every page of the referrals app, in one namespace (``referrals:``), stop by stop, then the patient's own link."""

from .directory import urls as directory
from .followup import urls as followup
from .patient_link import urls as patient_link
from .support import urls as support

app_name = "referrals"

urlpatterns = [*support.urlpatterns, *directory.urlpatterns, *followup.urlpatterns, *patient_link.urlpatterns]
