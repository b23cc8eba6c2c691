"""``python manage.py bench [--database-url URL] [--duration S] [--json FILE]``: measure the archive.

Serves the project under gunicorn with production settings on 127.0.0.1 and drives it with
``wrk``; see ``articles.bench.run`` for what is measured and how. Prints a Markdown table.
"""

import json
import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.bench import run


def current_database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{settings.DATABASES['default']['NAME']}"


class Command(BaseCommand):
    help = "Mesure les pages publiques sous gunicorn (réglages de production) et les compare à un « hello world »."

    def add_arguments(self, parser):
        parser.add_argument("--database-url", help="Base à mesurer (par défaut DATABASE_URL).")
        parser.add_argument("--duration", type=float, default=5.0, help="Durée de chaque fenêtre de mesure (s).")
        parser.add_argument("--json", metavar="FILE", help="Écrit le rapport complet en JSON.")
        parser.add_argument("--markdown", metavar="FILE", help="Écrit aussi le tableau Markdown dans ce fichier.")
        parser.add_argument("--workers", type=int, default=0, help="Workers gunicorn (par défaut : nombre de cœurs).")
        parser.add_argument("--connections", type=int, default=0, help="Connexions simultanées (par défaut : workers).")
        parser.add_argument("--seed", type=int, default=42, help="Graine du corpus (pour les termes de recherche).")
        parser.add_argument("--redis-url", default="", help="Cache Redis pour la phase « cached » (sinon mémoire).")
        parser.add_argument("--only", help="Clés de pages à mesurer, séparées par des virgules (ex. home,article).")
        parser.add_argument("--no-plans", action="store_true", help="N'affiche pas les plans de requête.")

    def handle(self, *args, **options):
        if not 0.5 <= options["duration"] <= 600:
            raise CommandError("--duration doit être compris entre 0,5 et 600 secondes.")
        url = options["database_url"]
        if url and url != current_database_url():
            # Queries are also counted in this process: it must use the measured database.
            if sys.argv[1:2] != ["bench"]:
                raise CommandError("--database-url s'emploie en ligne de commande ; sinon, réglez DATABASE_URL.")
            argv, skip = [], False
            for arg in sys.argv:
                if skip or arg.startswith("--database-url="):
                    skip = False
                    continue
                if arg == "--database-url":
                    skip = True
                    continue
                argv.append(arg)
            os.execve(sys.executable, [sys.executable, *argv], {**os.environ, "DATABASE_URL": url})
        only = {key.strip() for key in options["only"].split(",")} if options["only"] else None
        try:
            report = run.run(
                run.Options(
                    database_url=current_database_url(),
                    duration=options["duration"],
                    workers=options["workers"],
                    connections=options["connections"],
                    seed=options["seed"],
                    redis_url=options["redis_url"],
                    only=only,
                    log=lambda message: self.stderr.write(message),
                )
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        markdown = run.render_markdown(report, plans=not options["no_plans"])
        self.stdout.write(markdown)
        if options["json"]:
            with open(options["json"], "w", encoding="utf-8") as handle:
                json.dump(report, handle, ensure_ascii=False, indent=2)
        if options["markdown"]:
            with open(options["markdown"], "w", encoding="utf-8") as handle:
                handle.write(markdown)
