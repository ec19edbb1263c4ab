"""Pages of the patient's own link: the patient's (``patient``, no login) and the staff's (``staff``)."""
