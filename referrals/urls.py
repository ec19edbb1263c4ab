from .directory import urls as directory
from .followup import urls as followup

app_name = "referrals"

urlpatterns = [*directory.urlpatterns, *followup.urlpatterns]
