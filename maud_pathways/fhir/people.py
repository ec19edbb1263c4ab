"""Patient, Practitioner (staff) and Organization (the clinic, and each mutual-support program)."""

from fhir.resources.R4B.address import Address
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient, PatientCommunication, PatientContact
from fhir.resources.R4B.practitioner import Practitioner

from patients.models import ContactMethod

from . import codes
from .datatypes import clinic_ref, coding, concept, fhir_base_url, part2_meta, resource_id


def mrn_system(clinic):
    """Medical record numbers are unique per clinic, so each clinic has its own identifier system."""
    return f"{fhir_base_url()}/NamingSystem/{resource_id('clinic', clinic.pk)}-mrn"


def patient_resource(patient):
    preferred = patient.preferred_contact
    telecom = []
    if patient.phone:
        telecom.append(ContactPoint(system="phone", value=patient.phone, use="home",
                                    rank=1 if preferred in (ContactMethod.PHONE, ContactMethod.TEXT) else None))
    if patient.email:
        telecom.append(ContactPoint(system="email", value=patient.email,
                                    rank=1 if preferred == ContactMethod.EMAIL else None))
    names = [HumanName(use="official", family=patient.last_name, given=[patient.first_name])]
    if patient.preferred_name and patient.preferred_name != patient.first_name:
        names.append(HumanName(use="usual", family=patient.last_name, given=[patient.preferred_name]))
    contact = None
    if patient.emergency_contact_name:
        contact = [PatientContact(
            name=HumanName(text=patient.emergency_contact_name),
            relationship=[concept(text=patient.emergency_contact_relationship or "Emergency contact")],
            telecom=[ContactPoint(system="phone", value=patient.emergency_contact_phone)]
            if patient.emergency_contact_phone else None,
        )]
    return Patient(
        id=str(patient.public_id),
        meta=part2_meta(),
        identifier=[
            Identifier(use="usual", type=concept(coding(codes.V2_IDENTIFIER_TYPE, "MR", "Medical record number")),
                       system=mrn_system(patient.clinic), value=patient.mrn),
            Identifier(system=codes.URI_IDENTIFIER, value=f"urn:uuid:{patient.public_id}"),
        ],
        active=True,
        name=names,
        telecom=telecom or None,
        birthDate=patient.date_of_birth,
        address=[Address(text=patient.address)] if patient.address else None,
        contact=contact,
        communication=[PatientCommunication(language=concept(text=patient.preferred_language), preferred=True)]
        if patient.preferred_language else None,
        managingOrganization=clinic_ref(patient.clinic),
    )


def practitioner_resource(member):
    return Practitioner(
        id=resource_id("staff", member.pk),
        meta=part2_meta(),
        active=member.is_active,
        name=[HumanName(text=str(member), family=member.last_name or None,
                        given=[member.first_name] if member.first_name else None)],
    )


def clinic_resource(clinic):
    city_line = [clinic.address_line1, clinic.address_line2]
    telecom = [ContactPoint(system=system, value=value) for system, value in
               (("phone", clinic.phone), ("fax", clinic.fax), ("email", clinic.email), ("url", clinic.website))
               if value]
    has_address = any([clinic.address_line1, clinic.city, clinic.state, clinic.postal_code])
    return Organization(
        id=resource_id("clinic", clinic.pk),
        meta=part2_meta(),
        active=True,
        name=clinic.name,
        telecom=telecom or None,
        address=[Address(line=[line for line in city_line if line] or None, city=clinic.city or None,
                         state=clinic.state or None, postalCode=clinic.postal_code or None)]
        if has_address else None,
    )


def program_resource(program):
    return Organization(
        id=resource_id("program", program.pk),
        meta=part2_meta(),
        active=True,
        identifier=[Identifier(system=codes.PROGRAM_IDENTIFIER_SYSTEM, value=program.slug)],
        type=[concept(coding(codes.ORGANIZATION_TYPE_SYSTEM, "mutual-support-program", "Mutual-support program"),
                      text=program.get_group_display())],
        name=program.name,
        telecom=[ContactPoint(system="url", value=program.website)] if program.website else None,
    )
