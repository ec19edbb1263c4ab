"""Recovery codes are kept as salted hashes: existing codes are hashed into RecoveryCode and their plain copies
in django-otp's StaticToken table are deleted. The codes people wrote down keep working.

Going back deletes the hashed codes (they cannot be turned back into codes): staff then make new ones.
"""

import django.db.models.deletion
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import migrations, models


class RecoveryCodeHasher(PBKDF2PasswordHasher):
    """As security.models.RecoveryCodeHasher when this was written (the rounds are stored in each hash)."""

    algorithm = "recovery_pbkdf2_sha256"
    iterations = 20_000


def hash_existing_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    RecoveryCode = apps.get_model("security", "RecoveryCode")
    hasher = RecoveryCodeHasher()
    tokens = list(StaticToken.objects.all())
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device_id=token.device_id, code_hash=hasher.encode(token.token.lower(), hasher.salt()))
        for token in tokens
    )
    StaticToken.objects.filter(pk__in=[token.pk for token in tokens]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('otp_static', '0003_add_timestamps'),
        ('security', '0002_staff_session_last_seen'),
    ]

    operations = [
        migrations.CreateModel(
            name='RecoveryCodeDevice',
            fields=[
            ],
            options={
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('otp_static.staticdevice',),
        ),
        migrations.CreateModel(
            name='RecoveryCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code_hash', models.CharField(max_length=128)),
                ('device', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recovery_codes', to='otp_static.staticdevice')),
            ],
        ),
        migrations.RunPython(hash_existing_codes, migrations.RunPython.noop),
    ]
