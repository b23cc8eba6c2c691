"""``python manage.py export_archive [--output FILE]``: the whole archive as JSON Lines.

Format in the README ("Export and import of the whole archive"). Without ``--output`` the
archive goes to standard output. With it, the file is written under a temporary name and
renamed at the end, so an interrupted export never leaves a truncated archive behind.
"""

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.archive import export_archive


class Command(BaseCommand):
    help = "Exporte toute l'archive (entreprises et articles) au format JSON Lines."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", metavar="FILE", help="Fichier à écrire (par défaut : la sortie standard)."
        )

    def handle(self, *args, **options):
        output = options["output"]
        if not output or output == "-":
            stream = self.stdout._out if self.stdout._out is not sys.stdout else None
            if stream is None:
                # Bytes in UTF-8 whatever the terminal's locale, "\n" line ends on every system.
                sys.stdout.reconfigure(encoding="utf-8", newline="\n")
                stream = sys.stdout
            count = export_archive(stream)
            stream.flush()
            self.stderr.write(f"{count} articles exportés.")
            return

        path = Path(output)
        if path.is_dir():
            raise CommandError(f"{path} est un dossier : donnez un nom de fichier.")
        partial = path.with_name(path.name + ".partiel")
        try:
            with open(partial, "w", encoding="utf-8", newline="\n") as stream:
                count = export_archive(stream)
            os.replace(partial, path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Écriture impossible de {path} : {error.strerror or error}") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self.stdout.write(self.style.SUCCESS(f"{count} articles exportés dans {path}."))
