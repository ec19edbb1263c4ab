"""Models of the referrals app, arranged by stop: ``support`` (Stop 3), ``directory`` (Stop 4), ``followup``
(Stop 5) and ``patient_link`` (the patient's own link, closing the loop) each keep theirs in their own ``models``
package, which lists them in its ``__all__``.

Django looks for the app's models here, so everything is re-exported: ``from referrals.models import Program``
works for every model.
"""

from .directory.models import *  # noqa: F403
from .directory.models import __all__ as _stop4
from .followup.models import *  # noqa: F403
from .followup.models import __all__ as _stop5
from .patient_link.models import *  # noqa: F403
from .patient_link.models import __all__ as _patient_link
from .support.models import *  # noqa: F403
from .support.models import __all__ as _stop3

__all__ = [*_stop3, *_stop4, *_stop5, *_patient_link]
