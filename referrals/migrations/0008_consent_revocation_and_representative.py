"""42 CFR Part 2: how to revoke (§ 2.31(a)(6)), how a written revocation was received, a personal representative's authority."""

from django.db import migrations, models


def mark_earlier_revocations(apps, schema_editor):
    """Consents revoked before the app asked how the written revocation was received say so."""
    Consent = apps.get_model("referrals", "Consent")
    Consent.objects.filter(revoked_at__isnull=False).update(revocation_received_as="not_recorded")


class Migration(migrations.Migration):

    dependencies = [
        ('referrals', '0007_clinic_programs_and_notes'),
    ]

    operations = [
        migrations.AddField(
            model_name='consent',
            name='how_to_revoke',
            field=models.TextField(default='In writing to the clinic (recorded before the app asked how to revoke).', help_text='As written on the consent, e.g. “Write to the clinic at 12 River St (a letter, or a signed note handed to staff) saying you revoke this consent.”', verbose_name='how the patient may revoke it'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='consent',
            name='representative_authority',
            field=models.CharField(blank=True, help_text='e.g. “parent of a minor patient”, “guardian appointed by the county court”.', max_length=200, verbose_name="the representative's authority to sign"),
        ),
        migrations.AddField(
            model_name='consent',
            name='revocation_received_as',
            field=models.CharField(blank=True, choices=[('letter', 'Letter by mail'), ('handed_in', 'Signed note or form handed in'), ('email', 'E-mail from the patient'), ('fax', 'Fax'), ('portal', 'Message through a patient portal'), ('not_recorded', 'Not recorded (revoked before the app asked)')], max_length=20, verbose_name='written revocation received as'),
        ),
        migrations.RunPython(mark_earlier_revocations, migrations.RunPython.noop),
        migrations.AddField(
            model_name='consent',
            name='revocation_received_on',
            field=models.DateField(blank=True, null=True, verbose_name='written revocation received on'),
        ),
        migrations.AddField(
            model_name='consent',
            name='signed_by_representative',
            field=models.BooleanField(default=False, help_text="Someone authorised to sign for the patient (e.g. the parent of a minor, a court-appointed guardian). Then “signed by” is the representative's name.", verbose_name='signed by a personal representative for the patient'),
        ),
        migrations.AlterField(
            model_name='consent',
            name='right_to_revoke_explained',
            field=models.BooleanField(default=False, verbose_name='the consent states that the patient may revoke it in writing, except where it has already been relied on, and how to revoke it'),
        ),
        migrations.AddConstraint(
            model_name='consent',
            constraint=models.CheckConstraint(condition=models.Q(('how_to_revoke', ''), _negated=True), name='consent_says_how_to_revoke'),
        ),
        migrations.AddConstraint(
            model_name='consent',
            constraint=models.CheckConstraint(condition=models.Q(('signed_by_representative', False), models.Q(('representative_authority', ''), _negated=True), _connector='OR'), name='consent_representative_has_authority'),
        ),
        migrations.AddConstraint(
            model_name='consent',
            constraint=models.CheckConstraint(condition=models.Q(('revoked_at__isnull', True), models.Q(('revocation_received_as__in', ['letter', 'handed_in', 'email', 'fax', 'portal', 'not_recorded']), ('revocation_received_on__isnull', False)), ('revocation_received_as', 'not_recorded'), _connector='OR'), name='consent_revocation_says_how_received'),
        ),
    ]
