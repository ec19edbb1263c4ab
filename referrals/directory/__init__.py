"""Stop 4: the directory of mutual-support programs and each clinic's meetings, Meeting Guide feeds (import and
export), and matching options to a patient's needs."""
