"""Meeting feeds, round two (issue 16): longer names and slugs as the Meeting Guide specification allows, the
"not meeting for now" format, approximate addresses, the feed's other fields, and uploads awaiting confirmation.

Meetings stored before: an online meeting's address was always approximate unless its location was temporarily
closed (the old export said so), and a temporarily closed meeting without a link was stored as in person; both are
set the way the new import stores them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models




def mark_approximate_addresses_and_closed_meetings(apps, schema_editor):
    Meeting = apps.get_model("referrals", "Meeting")
    closed = models.Q(type_codes__contains=",TC,")
    Meeting.objects.filter(attendance="online").exclude(formatted_address="").exclude(closed).update(
        address_approximate=True)
    Meeting.objects.filter(closed, attendance="in_person", conference_url="", conference_phone="").update(
        attendance="not_meeting")


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0005_caseload_and_emergency_access'),
        ('referrals', '0009_referral_for_someone_close'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PendingMeetingImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(max_length=200, verbose_name='feed')),
                ('file_name', models.CharField(blank=True, max_length=200)),
                ('entries', models.JSONField(default=list, help_text="The file's entries as read, unchanged.")),
                ('uploaded_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['-uploaded_at', '-id'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='meeting',
            name='meeting_attendance_known',
        ),
        migrations.AddField(
            model_name='meeting',
            name='address_approximate',
            field=models.BooleanField(default=False, help_text='The address is a town or area (where an online group is based), not a place to meet.', verbose_name='address is only approximate'),
        ),
        migrations.AddField(
            model_name='meeting',
            name='feed_extras',
            field=models.JSONField(blank=True, default=dict, verbose_name='other feed fields'),
        ),
        migrations.AddField(
            model_name='meetingimport',
            name='confirmed',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='meetingimport',
            name='fields_not_kept',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='attendance',
            field=models.CharField(choices=[('in_person', 'In person'), ('online', 'Online'), ('hybrid', 'In person and online'), ('not_meeting', 'Not meeting for now')], max_length=16),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='conference_url',
            field=models.URLField(blank=True, max_length=2000, verbose_name='online link'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='formatted_address',
            field=models.CharField(blank=True, max_length=500, verbose_name='address'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='group_name',
            field=models.CharField(blank=True, max_length=255, verbose_name='group'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='location_name',
            field=models.CharField(blank=True, max_length=255, verbose_name='venue'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='name',
            field=models.CharField(max_length=255),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='slug',
            field=models.CharField(help_text="The meeting's id in its feed.", max_length=255),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='website',
            field=models.URLField(blank=True, max_length=2000),
        ),
        migrations.RunPython(mark_approximate_addresses_and_closed_meetings, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.CheckConstraint(condition=models.Q(('attendance__in', ['in_person', 'online', 'hybrid', 'not_meeting'])), name='meeting_attendance_known'),
        ),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('attendance__in', ['in_person', 'hybrid']), _negated=True), models.Q(models.Q(('formatted_address', ''), _negated=True), ('address_approximate', False)), _connector='OR'), name='in_person_meeting_has_a_place'),
        ),
        migrations.AddField(
            model_name='pendingmeetingimport',
            name='clinic',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pending_meeting_imports', to='patients.clinic'),
        ),
        migrations.AddField(
            model_name='pendingmeetingimport',
            name='program',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='referrals.program'),
        ),
        migrations.AddField(
            model_name='pendingmeetingimport',
            name='uploaded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
    ]
