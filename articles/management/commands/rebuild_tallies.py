"""``manage.py rebuild_tallies``: count the articles of every month and company again."""

import time

from django.core.management.base import BaseCommand

from articles import tallies
from articles.models import ArchiveMonth, CompanyMonth


class Command(BaseCommand):
    help = (
        "Recompte les articles publiés de chaque mois, pour l'archive et pour chaque entreprise "
        "(après un chargement en masse qui ne passe pas par les services)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        tallies.rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"{ArchiveMonth.objects.count()} mois et {CompanyMonth.objects.count()} mois d'entreprises "
                f"comptés en {time.monotonic() - started:.1f} s."
            )
        )
