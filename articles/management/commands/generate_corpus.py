"""``python manage.py generate_corpus --articles N [--seed S]``: a synthetic archive for benchmarks.

See ``articles.corpus`` for what is generated and how it is loaded. The command prints a
fingerprint (counts, and the search terms chosen for each frequency class with how many articles
contain them) and can write it as JSON for ``bench``.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles import corpus

CLASS_LABELS = {
    "rare": "rare (≈ 0,1 %)",
    "typical": "courant (5–10 %)",
    "common": "très courant (> 50 %)",
    "phrase": "expression de deux mots",
    "no_match": "aucun résultat",
    "accent_variant": "variante sans accents",
}


class Command(BaseCommand):
    help = "Génère une archive synthétique déterministe (texte de type français) pour les mesures de performance."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="Nombre d'articles, ex. 100000.")
        parser.add_argument("--seed", type=int, default=42, help="Graine : même graine, même archive (42).")
        parser.add_argument("--batch-size", type=int, default=2000, help="Articles écrits par transaction.")
        parser.add_argument("--flush", action="store_true", help="Vide d'abord l'archive (articles, entreprises).")
        parser.add_argument("--no-index", action="store_true", help="Ne reconstruit pas l'index de recherche.")
        parser.add_argument("--json", metavar="FILE", help="Écrit aussi l'empreinte en JSON dans ce fichier.")

    def handle(self, *args, **options):
        if options["articles"] < 1 or options["articles"] > 20_000_000:
            raise CommandError("--articles doit être compris entre 1 et 20 000 000.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size doit être positif.")
        if options["flush"]:
            corpus.flush_archive()
        self.stdout.write(
            f"Génération de {options['articles']:,} articles (graine {options['seed']}, {connection.vendor})…"
        )
        try:
            result = corpus.generate(
                articles=options["articles"],
                seed=options["seed"],
                batch_size=options["batch_size"],
                reindex=not options["no_index"],
                log=self.stdout.write,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        data = corpus.fingerprint(result)
        self.print_fingerprint(data)
        if options["json"]:
            with open(options["json"], "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, indent=2)

    def print_fingerprint(self, data: dict) -> None:
        write = self.stdout.write
        write(self.style.SUCCESS("Empreinte de l'archive"))
        write(
            f"  articles : {data['articles']:,} (publiés {data['published']:,}, brouillons {data['drafts']:,}, "
            f"programmés {data['scheduled']:,})"
        )
        write(
            f"  sections : {data['sections']:,} ; liens « Pour aller plus loin » : {data['related_links']:,} ; "
            f"mots : {data['words']:,}"
        )
        write(
            f"  entreprises : {data['companies']:,} ; citations : {data['company_citations']:,} ; "
            f"la plus citée : {data['popular_company']} ; la moins citée : {data['rare_company']}"
        )
        write("  termes de recherche :")
        for name, term in data["terms"].items():
            write(
                f"    {CLASS_LABELS[name]:<26} « {term['term']} » : {term['articles']:,} articles "
                f"({term['share'] * 100:.2f} %, attendu {term['expected_share'] * 100:.2f} %)"
            )
        seconds = data["seconds"]
        write(f"  durée : {seconds['total']} s (chargement {seconds['load']} s, index {seconds['index']} s)")
