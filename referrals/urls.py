"""Every page of the referrals app, in one namespace (``referrals:``), stop by stop."""

from .directory import urls as directory
from .followup import urls as followup
from .support import urls as support

app_name = "referrals"

urlpatterns = [*support.urlpatterns, *directory.urlpatterns, *followup.urlpatterns]
