"""``python manage.py import_archive FILE [--atomic]``: load an archive written by export_archive.

Articles are matched by slug (updated, never duplicated), companies by slug then name. A bad
line is reported with its number and skipped; with ``--atomic`` any bad line refuses the whole
file and nothing is written. The command exits with status 1 when anything was skipped or refused.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.archive import ArchiveError, import_archive


class Command(BaseCommand):
    help = "Importe une archive JSON Lines produite par export_archive (base vide ou déjà remplie)."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="Fichier .jsonl à importer.")
        parser.add_argument(
            "--atomic",
            action="store_true",
            help="Tout ou rien : une seule ligne invalide fait refuser tout le fichier, rien n'est écrit.",
        )

    def handle(self, *args, **options):
        try:
            report = import_archive(options["file"], atomic=options["atomic"])
        except ArchiveError as error:
            raise CommandError(f"Archive refusée : {error}") from None

        for warning in report.warnings:
            self.stderr.write(f"Attention, {warning}")
        for error in report.errors:
            suffix = "" if report.refused else " — ligne ignorée"
            self.stderr.write(f"{error}{suffix}")
        if report.refused:
            raise CommandError(f"Archive refusée (--atomic) : {len(report.errors)} erreur(s), rien n'a été écrit.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Archive importée : {report.articles_created} article(s) créé(s), "
                f"{report.articles_updated} mis à jour, {report.companies} entreprise(s)."
            )
        )
        if report.errors:
            raise CommandError(f"{len(report.errors)} ligne(s) ignorée(s) : voir ci-dessus.")
