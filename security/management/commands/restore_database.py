import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from ._database import postgres_env, require_tool


class Command(BaseCommand):
    help = ("Restore a backup made by backup_database into the configured database (DATABASE_URL). "
            "The database should be new and empty; --replace overwrites one that holds data. "
            "Stop the app first; run `manage.py migrate` afterwards if the code is newer than the backup.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="a backup written by backup_database")
        parser.add_argument("--database", default="default")
        parser.add_argument("--replace", action="store_true", help="overwrite a database that already has tables")

    def handle(self, file, database, replace, **options):
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"No backup at {source}.")
        connection = connections[database]
        if connection.introspection.table_names() and not replace:
            raise CommandError("The target database already has tables. Restore into a new, empty database, "
                               "or pass --replace to overwrite it.")
        if connection.vendor == "postgresql":
            self._postgres(connection, source, replace)
        elif connection.vendor == "sqlite":
            self._sqlite(connection, source)
        else:
            raise CommandError(f"No restore method for {connection.vendor}.")
        self.stdout.write(f"Restored {source} into {connection.settings_dict['NAME']}.")

    def _postgres(self, connection, source, replace):
        connection.close()
        command = [require_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                   "--single-transaction", f"--dbname={connection.settings_dict['NAME']}"]
        if replace:
            command += ["--clean", "--if-exists"]
        result = subprocess.run(command + [str(source)], env=postgres_env(connection.settings_dict),
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")

    def _sqlite(self, connection, source):
        with open(source, "rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise CommandError(f"{source} is not an SQLite backup.")
        connection.ensure_connection()
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()
        connection.close()
