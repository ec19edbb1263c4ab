import os
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from ._database import postgres_env, require_tool


class Command(BaseCommand):
    help = ("Write a complete backup of the database to FILE: pg_dump's custom format on PostgreSQL, "
            "an SQLite database file (online backup) on SQLite. The file holds patient records: it is "
            "created readable by its owner only; keep it encrypted and off the server.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the backup")
        parser.add_argument("--database", default="default")

    def handle(self, file, database, **options):
        connection = connections[database]
        target = Path(file)
        if target.exists():
            raise CommandError(f"{target} already exists; choose a new file name.")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch(mode=0o600)
        os.chmod(target, 0o600)
        try:
            if connection.vendor == "postgresql":
                self._postgres(connection, target)
            elif connection.vendor == "sqlite":
                self._sqlite(connection, target)
            else:
                raise CommandError(f"No backup method for {connection.vendor}.")
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        self.stdout.write(f"Backup written to {target} ({target.stat().st_size} bytes).")

    def _postgres(self, connection, target):
        result = subprocess.run(
            [require_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
            env=postgres_env(connection.settings_dict), capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")

    def _sqlite(self, connection, target):
        # SQLite's online backup copies every page consistently while the app keeps running, and
        # keeps every value exactly (a JSON dump would round times to milliseconds).
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
