"""Programs of a clinic's own, clinic notes, and each program fact's sources (issue 13)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0006_plan_safety_undecided_therapies_crisis_line'),
        ('referrals', '0006_conversation_next_step_done'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ProgramNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('local_contact', models.CharField(blank=True, help_text='Who to call or write to locally, e.g. “Intergroup office, (555) 010-2000”.', max_length=300, verbose_name='local contact')),
                ('note', models.TextField(blank=True, help_text='For example how local meetings treat medication, and who told you when.', verbose_name='what the clinic has learned')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.AddField(
            model_name='program',
            name='clinic',
            field=models.ForeignKey(blank=True, help_text="Empty for the programs every clinic shares; set for a clinic's own program.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='own_programs', to='patients.clinic'),
        ),
        migrations.AddField(
            model_name='program',
            name='first_meeting',
            field=models.TextField(blank=True, help_text='One point a line, in plain words for the patient. Empty: the guide of its kind of group is used.', verbose_name='what to expect at a first meeting'),
        ),
        migrations.AddField(
            model_name='program',
            name='listing_note',
            field=models.TextField(blank=True, help_text='Shown with the program wherever it is named, when where it is listed could mislead.', verbose_name='where the pathway lists it, and what it is'),
        ),
        migrations.AddField(
            model_name='program',
            name='not_known',
            field=models.JSONField(blank=True, default=dict, help_text='Facts we could not source, and why.'),
        ),
        migrations.AddField(
            model_name='program',
            name='online_languages',
            field=models.JSONField(blank=True, default=list, help_text='Languages the program is known to hold online meetings in (from its own material).', verbose_name='languages of its online meetings'),
        ),
        migrations.AddField(
            model_name='program',
            name='sources',
            field=models.JSONField(blank=True, default=dict, help_text='Where each fact comes from (keys: SOURCED_FACTS).'),
        ),
        migrations.AlterField(
            model_name='program',
            name='name',
            field=models.CharField(max_length=120),
        ),
        migrations.AlterField(
            model_name='program',
            name='slug',
            field=models.SlugField(help_text="Stable key: the data file's for shared programs, made up for a clinic's own.", max_length=64, unique=True),
        ),
        migrations.AddConstraint(
            model_name='program',
            constraint=models.UniqueConstraint(condition=models.Q(('clinic__isnull', True)), fields=('name',), name='shared_program_name_unique'),
        ),
        migrations.AddConstraint(
            model_name='program',
            constraint=models.UniqueConstraint(fields=('clinic', 'name'), name='clinic_program_name_unique'),
        ),
        migrations.AddField(
            model_name='programnote',
            name='clinic',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='program_notes', to='patients.clinic'),
        ),
        migrations.AddField(
            model_name='programnote',
            name='program',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='clinic_notes', to='referrals.program'),
        ),
        migrations.AddField(
            model_name='programnote',
            name='updated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='programnote',
            constraint=models.UniqueConstraint(fields=('clinic', 'program'), name='one_program_note_per_clinic'),
        ),
        migrations.AddConstraint(
            model_name='programnote',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('local_contact', ''), _negated=True), models.Q(('note', ''), _negated=True), _connector='OR'), name='program_note_not_empty'),
        ),
    ]
