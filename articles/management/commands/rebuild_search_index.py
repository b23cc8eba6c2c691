"""``manage.py rebuild_search_index``: rebuild the search index and vocabulary from scratch."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles.search import rebuild_index, refresh_recent_index


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche et le vocabulaire des suggestions à partir de tous les articles."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="Articles lus et écrits par lot (1000 par défaut)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Processus d'indexation en parallèle (PostgreSQL seulement ; 1 par défaut).",
        )
        parser.add_argument(
            "--recent-only",
            action="store_true",
            help=(
                "Refait seulement l'index des articles récents (PostgreSQL) : à lancer de temps en temps, "
                "par exemple chaque mois, car il grossit avec l'archive. Les écritures continuent pendant ce temps."
            ),
        )

    def handle(self, *args, batch_size, workers, recent_only=False, **options):
        started = time.monotonic()
        if recent_only:
            bound = refresh_recent_index()
            elapsed = time.monotonic() - started
            if connection.vendor != "postgresql":
                self.stdout.write("Rien à faire : cet index n'existe que sur PostgreSQL.")
            elif bound is None:
                self.stdout.write("Pas d'index des articles récents : l'archive est encore assez petite.")
            else:
                self.stdout.write(self.style.SUCCESS(f"Index des articles récents refait en {elapsed:.1f} s."))
            return

        def progress(done):
            if options["verbosity"] >= 2:
                self.stdout.write(f"  {done} articles indexés…")

        try:
            count = rebuild_index(batch_size=max(1, batch_size), progress=progress, workers=max(1, workers))
        except ValueError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Index de recherche reconstruit : {count} articles en {elapsed:.1f} s."))
