"""New clinics require two-factor; a clinic may make it optional only with a recorded reason (who, when, why).

Existing clinics keep their choice: those where two-factor was optional stay so, with a reason saying it was
kept from before (no person is named, since nobody decided it under the new rule). Their clinic admins see it on
the security page and can require two-factor, or state their own reason.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

KEPT_REASON = ("Two-factor authentication was optional before new clinics required it; "
               "kept as it was when this version was installed.")


def keep_existing_choice(apps, schema_editor):
    Clinic = apps.get_model("patients", "Clinic")
    Clinic.objects.filter(require_two_factor=False).update(
        two_factor_optional_reason=KEPT_REASON, two_factor_optional_since=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0005_caseload_and_emergency_access'),
    ]

    operations = [
        migrations.AddField(
            model_name='clinic',
            name='two_factor_optional_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='two-factor made optional by'),
        ),
        migrations.AddField(
            model_name='clinic',
            name='two_factor_optional_reason',
            field=models.TextField(blank=True, verbose_name='why two-factor is optional'),
        ),
        migrations.AddField(
            model_name='clinic',
            name='two_factor_optional_since',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='clinic',
            name='require_two_factor',
            field=models.BooleanField(default=True, help_text='When on, staff without two-factor authentication must set it up before they can open any page.', verbose_name='require two-factor authentication for all staff'),
        ),
        migrations.RunPython(keep_existing_choice, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='clinic',
            constraint=models.CheckConstraint(condition=models.Q(('require_two_factor', True), models.Q(('two_factor_optional_since__isnull', False), models.Q(('two_factor_optional_reason', ''), _negated=True)), _connector='OR'), name='clinic_two_factor_optional_has_reason'),
        ),
    ]
