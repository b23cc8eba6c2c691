"""Backups: the README's pg_dump/pg_restore procedure restores an identical archive (PostgreSQL)."""

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase

from articles.models import Article
from tests.factories import make_article, make_company, make_link

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump/pg_restore back up PostgreSQL")
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="PostgreSQL client tools not installed")
class PgDumpRestoreTests(TransactionTestCase):
    def run_tool(self, *args):
        database = connection.settings_dict
        env = {**os.environ}
        if database.get("PASSWORD"):
            env["PGPASSWORD"] = database["PASSWORD"]
        options = ["-h", database["HOST"] or "127.0.0.1", "-p", str(database["PORT"] or 5432)]
        options += ["-U", database["USER"] or "postgres"]
        tool, *rest = args
        subprocess.run([tool, *options, *rest], check=True, env=env, capture_output=True, timeout=300)

    def test_dump_and_restore_give_the_same_archive(self):
        """pg_dump -Fc then pg_restore into a new database gives byte-identical export_archive output."""
        microsoft = make_company("Microsoft", aliases=["Redmond"])
        first = make_article("Sauvegardé et restauré", companies=[microsoft, "OpenAI"])
        second = make_article("Le lien interne survit", sections=(("", "Ouverture."), ("Suite", "Texte.")))
        make_link(second, title="Voir aussi", target=first)
        make_link(second, position=2, title="Ailleurs", url="https://exemple.fr/")
        Article.objects.filter(pk=first.pk).update(version=7)

        source = connection.settings_dict["NAME"]
        restored = f"{source}_restore"
        dump = Path(os.environ.get("TMPDIR", "/tmp")) / f"{source}.dump"
        self.run_tool("pg_dump", "--format=custom", f"--file={dump}", source)
        self.run_tool("dropdb", "--if-exists", restored)
        self.run_tool("createdb", restored)
        try:
            self.run_tool("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump))
            original = io.StringIO()
            call_command("export_archive", stdout=original)
            database = connection.settings_dict
            url = (
                f"postgres://{database['USER'] or 'postgres'}:{database.get('PASSWORD') or ''}@"
                f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{restored}"
            )
            copy = subprocess.run(
                [sys.executable, "manage.py", "export_archive"],
                env={**os.environ, "DATABASE_URL": url},
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=300,
                check=True,
            )
            self.assertIn("Sauvegardé et restauré", original.getvalue())
            self.assertEqual(copy.stdout, original.getvalue())
            versions = subprocess.run(
                [
                    "psql",
                    "-h",
                    database["HOST"] or "127.0.0.1",
                    "-U",
                    database["USER"] or "postgres",
                    "-tAc",
                    f"SELECT version FROM articles_article WHERE id = {first.pk}",
                    restored,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            self.assertEqual(versions.stdout.strip(), "7")
        finally:
            self.run_tool("dropdb", "--if-exists", restored)
            dump.unlink(missing_ok=True)
