import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .clinic import Clinic, Role
from .emergency import EmergencyAccess
from .treatment_plan import PlanMedication, plan_status_annotations, review_is_due_q


def caseload_limited(user):
    """Whether the user's clinic limits staff to their caseload (the clinic is loaded with the user)."""
    clinic = user.clinic if user.clinic_id is not None else None
    return bool(clinic is not None and clinic.limit_to_caseload)


class OutsideCaseload(PermissionDenied):
    """The patient is in the user's clinic but outside their caseload, and the clinic limits caseloads.

    Raised by ``Patient.objects.get_visible_or_404``; ``patients.emergency.EmergencyAccessMiddleware``
    turns it into the "break the glass" page. Never raised for another clinic's patient (a plain 404).
    """

    def __init__(self, patient):
        super().__init__("This patient is outside your caseload.")
        self.patient = patient


class PatientQuerySet(models.QuerySet):
    def visible_to(self, user, now=None, *, emergency_access=True):
        """The one access rule: staff see only their own clinic's patients.

        When the clinic limits staff to their caseload, each staff member (whatever their roles) sees
        only the patients on whose care team they are, the patients they registered, and patients they
        hold a current emergency-access grant for ("break the glass", ``patients.emergency``).
        ``emergency_access=False`` leaves the grants out: the patients the user sees in their own right
        (``patients.care_teams`` lets nobody join a care team on the strength of a grant alone).

        Every lookup of patient data in the product starts here (directly, or via
        ``Patient.objects.get_visible_or_404``), so the rule lives in one place.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active or user.clinic_id is None:
            return self.none()
        patients = self.filter(clinic_id=user.clinic_id)
        if caseload_limited(user):
            own = Q(created_by=user) | models.Exists(
                CareTeamMember.objects.filter(patient=models.OuterRef("pk"), staff=user))
            if emergency_access:
                own |= models.Exists(EmergencyAccess.objects.current(now).filter(patient=models.OuterRef("pk"),
                                                                                 staff=user))
            patients = patients.filter(own)
        return patients

    def outside_caseload_by_mrn(self, user, mrn):
        """The patient of the user's clinic with exactly this MRN when it lies outside their caseload
        (and the clinic limits caseloads), so a search can offer emergency access; else None."""
        mrn = (mrn or "").strip()
        if not mrn or not getattr(user, "is_authenticated", False) or not caseload_limited(user):
            return None
        return (self.filter(clinic_id=user.clinic_id, mrn__iexact=mrn)
                .exclude(pk__in=self.visible_to(user).values("pk")).only("public_id", "mrn").first())

    def identifiable_by(self, user):
        """Patients a clinic admin may name on the audit pages (audit trail, emergency-access review).

        The whole clinic, even when caseloads are limited: reviewing who opened which record needs to
        say whose record it was. It opens no record: links from those pages still go through
        ``visible_to``. Nobody else identifies patients this way.
        """
        if (not getattr(user, "is_authenticated", False) or not user.is_active or user.clinic_id is None
                or not user.is_clinic_admin):
            return self.none()
        return self.filter(clinic_id=user.clinic_id)

    def on_care_team_of(self, user):
        return self.filter(pk__in=CareTeamMember.objects.filter(staff=user).values("patient_id"))

    def with_care_team(self):
        """Prefetch each patient's care team with the staff members (one extra query for any number of
        patients). ``Patient.care_team_members()`` and ``has_on_care_team`` then ask no more queries."""
        return self.prefetch_related(
            models.Prefetch("care_team", queryset=CareTeamMember.objects.select_related("staff")))

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        query = Q()
        for word in text.split():
            query &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(preferred_name__icontains=word)
                | Q(mrn__iexact=word)
            )
        return self.filter(query)

    # Treatment plan (Stop 1): the facts are defined with the plan (models/treatment_plan.py) ------
    def with_plan_status(self):
        """Annotate each patient with their plan's facts, in the same query: ``plan_signed_number``,
        ``plan_signed_at``, ``plan_next_review_date``, ``plan_drinking_goal``, ``plan_mutual_support``,
        ``plan_on_maud`` (the latest signed version; None or False without one) and ``plan_draft_number``
        (see ``treatment_plan.plan_status_annotations``)."""
        return self.annotate(**plan_status_annotations())

    def plan_review_due(self, on):
        """Patients whose signed plan is due for review on ``on`` (``treatment_plan.review_is_due``)."""
        return self.with_plan_status().filter(review_is_due_q(on))

    def due_for_plan_review(self, on=None):
        """Patients whose signed plan is due for review on ``on`` (default today), and patients with no
        signed plan at all: the clinician's "Plans due" list."""
        on = on or timezone.localdate()
        return self.with_plan_status().filter(review_is_due_q(on) | Q(plan_signed_number__isnull=True))

    def on_maud(self):
        """Patients with a medication "started" in their plan in force (one query, fast for whole clinics)."""
        return self.filter(pk__in=PlanMedication.objects.started_in_force().values("version__plan__patient_id"))


class PatientManager(models.Manager.from_queryset(PatientQuerySet)):
    def get_visible_or_404(self, user, public_id, queryset=None):
        """Fetch one patient the user may see; any other (or unknown) id is a 404.

        A patient of the user's own clinic who is outside their caseload (when the clinic limits
        caseloads) raises ``OutsideCaseload`` instead, so the user may state a reason to open the record.
        """
        qs = (queryset if queryset is not None else self.get_queryset()).visible_to(user)
        try:
            return qs.get(public_id=public_id)
        except (ValidationError, ValueError):
            raise Http404("No such patient.") from None
        except self.model.DoesNotExist:
            if caseload_limited(user):
                outside = self.get_queryset().filter(clinic_id=user.clinic_id, public_id=public_id).first()
                if outside is not None:
                    raise OutsideCaseload(outside) from None
            raise Http404("No such patient.") from None


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("E-mail")
    DO_NOT_CONTACT = "do_not_contact", _("Do not contact")


class Patient(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True, help_text=_("What the patient likes to be called."))
    pronouns = models.CharField(max_length=40, blank=True, help_text=_("e.g. she/her, he/him, they/them"))
    date_of_birth = models.DateField()
    mrn = models.CharField("medical record number", max_length=40)
    preferred_language = models.CharField(max_length=60, default="English")

    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    preferred_contact = models.CharField(
        "preferred way to reach", max_length=20, choices=ContactMethod.choices, default=ContactMethod.PHONE
    )
    ok_to_leave_message = models.BooleanField("OK to leave a message", default=False)

    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_relationship = models.CharField(max_length=100, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PatientManager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "mrn"], name="unique_mrn_per_clinic"),
            models.CheckConstraint(condition=models.Q(preferred_contact__in=ContactMethod.values),
                                   name="patient_contact_method_known"),
        ]
        indexes = [models.Index(fields=["clinic", "last_name", "first_name"])]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if self.preferred_name and self.preferred_name != self.first_name:
            return f"{self.first_name} “{self.preferred_name}” {self.last_name}"
        return f"{self.first_name} {self.last_name}"

    @property
    def age(self):
        today = timezone.localdate()
        dob = self.date_of_birth
        return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))

    def get_absolute_url(self):
        return reverse("patients:detail", args=[self.public_id])

    def clean(self):
        errors = {}
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            errors["date_of_birth"] = "Date of birth cannot be in the future."
        if self.preferred_contact == ContactMethod.PHONE and not self.phone:
            errors["phone"] = "Add a phone number, or choose another way to reach the patient."
        if self.preferred_contact == ContactMethod.TEXT and not self.phone:
            errors["phone"] = "Add a mobile number for text messages, or choose another way to reach the patient."
        if self.preferred_contact == ContactMethod.EMAIL and not self.email:
            errors["email"] = "Add an e-mail address, or choose another way to reach the patient."
        if errors:
            raise ValidationError(errors)

    # Care team -----------------------------------------------------------------------------
    def care_team_members(self):
        """Care-team rows; uses the prefetch cache when the view prefetched ``care_team__staff``."""
        return list(self.care_team.all())

    def care_team_with_role(self, role):
        return [m.staff for m in self.care_team_members() if m.role == role]

    def has_on_care_team(self, user, role=None):
        """Whether ``user`` is on this patient's care team (in ``role``, when given)."""
        return any(m.staff_id == user.pk and (role is None or m.role == role) for m in self.care_team_members())

    @property
    def has_peer_specialist(self):
        return bool(self.care_team_with_role(Role.PEER_SPECIALIST))


class CareTeamMember(models.Model):
    """Links a patient to a staff member of the same clinic, in one role on that patient's team."""

    TEAM_ROLES = [
        (Role.CLINICIAN.value, Role.CLINICIAN.label),
        (Role.PEER_SPECIALIST.value, Role.PEER_SPECIALIST.label),
        (Role.CASE_MANAGER.value, Role.CASE_MANAGER.label),
    ]

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="care_team")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_team_roles")
    role = models.CharField(_("role on the team"), max_length=32, choices=TEAM_ROLES)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["role", "staff__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "staff", "role"], name="unique_care_team_role"),
            models.CheckConstraint(
                condition=models.Q(role__in=[Role.CLINICIAN, Role.PEER_SPECIALIST, Role.CASE_MANAGER]),
                name="care_team_role_known",
            ),
        ]

    def __str__(self):
        return f"{self.staff} ({self.get_role_display()}) for patient {self.patient_id}"

    def clean(self):
        if self.staff_id and self.patient_id:
            if self.staff.clinic_id != self.patient.clinic_id:
                raise ValidationError({"staff": "Only staff of the patient's clinic can join the care team."})
            if self.role and not self.staff.has_role(self.role):
                raise ValidationError(
                    {"staff": f"{self.staff} does not hold the {self.get_role_display().lower()} role."}
                )
            if not self.staff.is_active:
                raise ValidationError({"staff": "This account is deactivated."})
