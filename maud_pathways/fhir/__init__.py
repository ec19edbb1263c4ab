"""FHIR R4 export of a patient's pathway (read-only; no app imports this package).

* ``bundle.patient_bundle(patient)``: one patient as a Bundle of type ``collection`` (the download on the
  patient page, ``views.patient_fhir_export``);
* ``ndjson.export_clinic(clinic, out_dir)``: a whole clinic as NDJSON per resource type
  (``manage.py export_fhir``), streamed in chunks.

Resources are built with the R4B models of ``fhir.resources`` (the resources used here are the same in
R4 4.0.1 and R4B; see the README), so each is validated as it is made. One module per area:
``people`` (Patient, Practitioner, Organization), ``plans`` (CarePlan, Goal, MedicationStatement),
``assessments`` (Questionnaire, QuestionnaireResponse, Observation), ``referrals`` (ServiceRequest, Task,
Consent), ``provenance``; ``records`` loads what they read, ``codes`` holds code systems and status maps.
"""
