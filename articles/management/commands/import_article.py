"""``python manage.py import_article FILE... [--title T] [--byline B] [--published-at ISO] [--publish] [--dry-run]``.

Imports newsletter issues saved as text (format in ``articles.importing``). A folder stands for
the ``.txt`` files directly inside it, in name order. A file that cannot be read or understood
is reported with the reason and skipped; the others are imported, each in its own transaction,
and the command exits with status 1 if any file was skipped.
"""

import os
from datetime import datetime, time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.detection import CompanyDetector
from articles.importing import (
    NewsletterError,
    TitleIndex,
    newsletter_import,
    parse_newsletter,
    plan_import,
    read_newsletter,
)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def parse_when(value: str) -> datetime:
    """An ISO 8601 date-time ("2026-03-02T08:30", offset optional) or date; naive means local time."""
    try:
        when = parse_datetime(value)
        if when is None and (day := parse_date(value)) is not None:
            when = datetime.combine(day, time(0, 0))
    except ValueError:
        when = None
    if when is None:
        raise CommandError(
            f"--published-at : date invalide « {value} » ; format attendu AAAA-MM-JJTHH:MM, ex. 2026-03-02T08:30"
        )
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def first_words(text: str, count: int = 8) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


class Command(BaseCommand):
    help = (
        "Importe des lettres d'information au format texte (fichiers ou dossiers de fichiers .txt) "
        "comme articles de l'archive. Réimporter un fichier met à jour l'article."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FILE", help="Fichiers .txt ou dossiers à importer.")
        parser.add_argument("--title", help="Titre de l'article (sinon la première ligne « # Titre » du fichier).")
        parser.add_argument("--byline", help="Signature, ex. « Claire Dubois ».")
        parser.add_argument(
            "--published-at",
            metavar="ISO-DATETIME",
            help="Date de publication, ex. 2026-03-02T08:30 (heure de Paris si pas de fuseau).",
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publier l'article (à la date donnée, sinon tout de suite)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Afficher ce qui a été compris sans rien écrire dans l'archive."
        )
        parser.add_argument(
            "--base-url",
            default=os.environ.get("SITE_URL") or DEFAULT_BASE_URL,
            help=f"Adresse du site pour les liens affichés (défaut : $SITE_URL ou {DEFAULT_BASE_URL}).",
        )

    def handle(self, *args, **options):
        published_at = parse_when(options["published_at"]) if options["published_at"] else None
        byline = options["byline"]
        if byline is not None and len(byline) > 200:
            raise CommandError("--byline : 200 caractères au plus.")
        files, failures = self.collect(options["paths"])
        if options["title"] and len(files) + len(failures) > 1:
            raise CommandError("--title ne s'utilise qu'avec un seul fichier.")

        detector = CompanyDetector.from_database()
        titles = TitleIndex()
        base_url = options["base_url"].rstrip("/")
        done = 0
        for path in files:
            try:
                newsletter = parse_newsletter(read_newsletter(path), title=options["title"])
                plan = plan_import(newsletter, detector=detector, titles=titles)
                if options["dry_run"]:
                    self.describe(path, plan)
                    done += 1
                    continue
                article, created = newsletter_import(
                    plan=plan, byline=byline, published_at=published_at, publish=options["publish"]
                )
            except NewsletterError as error:
                failures.append((path, str(error)))
                continue
            except (DatabaseError, ValidationError) as error:
                failures.append((path, f"écriture refusée par la base ({error})"))
                continue
            titles.add(article)
            done += 1
            self.report(path, article, created, plan, base_url)

        for path, reason in failures:
            self.stderr.write(f"{path} : ignoré — {reason}")
        if failures:
            verb = "analysé" if options["dry_run"] else "importé"
            raise CommandError(f"{len(failures)} fichier(s) ignoré(s), {done} {verb}(s).")

    def collect(self, paths: list[str]) -> tuple[list[Path], list[tuple[Path, str]]]:
        """The files to import, folders expanded; and the arguments that are neither."""
        files, failures, seen = [], [], set()
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
                if not found:
                    failures.append((path, "dossier sans fichier .txt"))
            else:
                found = [path]  # a missing or unreadable file is reported when it is read
            for file in found:
                if file.resolve() not in seen:
                    seen.add(file.resolve())
                    files.append(file)
        return files, failures

    def describe(self, path: Path, plan) -> None:
        """What ``--dry-run`` prints: what was understood, and what an import would do."""
        newsletter = plan.newsletter
        out = self.stdout.write
        out(f"== {path}")
        out(f"Titre : {newsletter.title}")
        if plan.existing:
            out(f"Mettrait à jour l'article existant « {plan.existing.slug} » (id {plan.existing.pk}).")
        else:
            out(f"Créerait un nouvel article (adresse prévue : {newsletter.slug_key}).")
        out(f"Sections : {len(newsletter.sections)}")
        for number, section in enumerate(newsletter.sections, start=1):
            heading = section.heading or "(ouverture, sans intertitre)"
            paragraphs = len(section.paragraphs)
            out(f"  {number}. {heading} — {paragraphs} paragraphe(s) : {first_words(section.paragraphs[0])}")
        if plan.mentions:
            found = ", ".join(f"{m.name} ({m.count})" for m in plan.mentions)
            out(f"Entreprises trouvées : {found}")
        else:
            out("Entreprises trouvées : aucune")
        out(f"Pour aller plus loin : {len(plan.links)} lien(s)")
        for link, item in zip(plan.links, newsletter.related, strict=True):
            out(f"  - {item.title or item.url} → {self.link_state(link)}")

    @staticmethod
    def link_state(link) -> str:
        if link.url:
            return f"lien externe {link.url}" + (" (complété par la rédaction, conservé)" if link.kept else "")
        if link.target_id:
            return f"article de l'archive « {link.target_slug} »" + (
                " (complété par la rédaction, conservé)" if link.kept else ""
            )
        return "non trouvé dans l'archive : lien à compléter"

    def report(self, path: Path, article, created: bool, plan, base_url: str) -> None:
        action = "créé" if created else "mis à jour"
        admin_url = base_url + reverse("admin:articles_article_change", args=[article.pk])
        public_url = base_url + article.get_absolute_url()
        unfinished = sum(1 for link in plan.links if link.is_unfinished)
        companies = ", ".join(m.name for m in plan.mentions) or "aucune"
        self.stdout.write(self.style.SUCCESS(f"{path} : article {action} « {article.title} »"))
        self.stdout.write(f"  admin : {admin_url}")
        note = "" if article.is_public else " (pas encore public : aperçu réservé à la rédaction)"
        self.stdout.write(f"  public : {public_url}{note}")
        self.stdout.write(
            f"  {len(plan.newsletter.sections)} section(s), entreprises : {companies}, "
            f"{len(plan.links)} lien(s) dont {unfinished} à compléter"
        )
