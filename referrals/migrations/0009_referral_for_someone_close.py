"""A referral to a program for family and friends is a suggestion for someone close to the patient; a gender-fit confirmation."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('referrals', '0008_consent_revocation_and_representative'),
    ]

    operations = [
        migrations.AddField(
            model_name='referral',
            name='fit_confirmation',
            field=models.CharField(blank=True, max_length=300, verbose_name='why it fits anyway'),
        ),
        migrations.AddField(
            model_name='referral',
            name='for_someone_close',
            field=models.BooleanField(default=False, verbose_name='a suggestion for someone close to the patient'),
        ),
        migrations.AddField(
            model_name='referral',
            name='for_whom',
            field=models.CharField(blank=True, help_text="Optional, in the patient's words, e.g. “her husband”, “his mother”.", max_length=120, verbose_name='who it is for'),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.CheckConstraint(condition=models.Q(('for_someone_close', False), models.Q(('status__in', ['suggested', 'discussed', 'declined', 'stopped']), ('meeting__isnull', True)), _connector='OR'), name='referral_for_someone_close_is_a_suggestion'),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.CheckConstraint(condition=models.Q(('for_someone_close', True), ('for_whom', ''), _connector='OR'), name='referral_for_whom_only_for_someone_close'),
        ),
    ]
