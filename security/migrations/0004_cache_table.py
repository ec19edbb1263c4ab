"""The cache table that holds the limits on password guessing and reset e-mails (settings.CACHES, a database
cache by default), made by migrate so that a deployment needs no separate createcachetable step. Does nothing
when the cache is not a database cache."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):

    dependencies = [
        ('security', '0003_recovery_codes_hashed'),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
