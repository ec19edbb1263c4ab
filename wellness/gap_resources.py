"""Resources that address the low domains of a recovery-capital result.

The pathway asks the peer specialist to help find resources for areas of lower capital, mutual support among
them. Those resources live in other stops (the directory, Stop 4), which this app does not use: the setting
``RECOVERY_CAPITAL_RESOURCES`` names a function of the composing app that returns them as plain data
(``title``, ``url``, ``about``), mutual support first. Without the setting there are none.
"""

from django.conf import settings
from django.utils.module_loading import import_string


def gap_resources(patient):
    path = getattr(settings, "RECOVERY_CAPITAL_RESOURCES", "")
    return list(import_string(path)(patient)) if path else []
