"""Query ceilings shared by several test modules.

The patient page carries every stop's section and the pathway at the top, so every test that pins its
query count uses this one ceiling (each test still checks that its own count does not grow with data).
"""

#: The patient page (``patients:detail``): session and user, audit entry, the patient and care team,
#: the pathway, and the sections of Stops 1 to 5.
PATIENT_PAGE_MAX_QUERIES = 28

#: The home page (work queues) of the busiest single role, counted with the "My patients" pathway list.
HOME_MAX_QUERIES = 20

#: The patient list (``patients:list``), a page of patients with their pathway at a glance: session, user and
#: roles, the count, the ids of the page, those patients with the pathway's facts, care teams, referrals,
#: latest assessments and their gaps (at most two), the audit entry.
PATIENT_LIST_MAX_QUERIES = 12
