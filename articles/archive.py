"""Whole-archive export and import as JSON Lines (format documented in the README).

One JSON object per line, UTF-8, keys sorted, no spaces: the same archive always gives the
same bytes, whatever database it comes from (records are ordered by slug compared byte by
byte, timestamps are written in UTC with microseconds). Line 1 is a header, then one
``company`` record per company (ordered by slug), then one ``article`` record per article
(ordered by slug). An article record is self-contained: it carries its companies with their
description, website and aliases, its sections with their anchors, its related links (internal
targets by slug), its status, every timestamp and its old slugs.

Both directions stream: the export reads the database in chunks (``iterator(chunk_size)``
with per-chunk prefetching) and the import reads the file line by line, so memory stays
flat however large the archive. The import makes two passes over the file: articles first,
then related links, so a link may point at an article that comes later in the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, TextIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Prefetch
from django.db.models.functions import Collate
from django.utils.dateparse import parse_datetime

from . import services
from .models import (
    Article,
    ArticleSlugRedirect,
    Company,
    CompanyAlias,
    CompanySlugRedirect,
    RelatedLink,
    Section,
    TaggedCompany,
    normalise_url,
    validate_http_url,
)

FORMAT = "newsroom-archive"
VERSION = 1
CHUNK_SIZE = 500  # rows fetched (and, on import, lines committed) at a time


class ArchiveError(Exception):
    """A line (or a whole file) that cannot be imported; the message is French."""

    def __init__(self, message: str, *, line: int | None = None):
        self.message, self.line = message, line
        super().__init__(f"ligne {line} : {message}" if line else message)


def dumps(record: dict) -> str:
    """One line of the archive: sorted keys, no spaces, non-ASCII text kept as is."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def timestamp(value: datetime | None) -> str | None:
    """UTC, microseconds always written: "2026-03-02T07:30:00.000000Z"."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value else None


def by_bytes(field_name: str):
    """Order by a field compared byte by byte, so both databases give the same order.

    PostgreSQL's default collation ignores hyphens at first ("a-c" before "ab"); SQLite's
    compares bytes. Slugs are ASCII, so the "C"/"BINARY" collations agree.
    """
    collation = {"postgresql": "C", "sqlite": "BINARY"}.get(connection.vendor)
    return Collate(field_name, collation) if collation else F(field_name)


# --- Export -----------------------------------------------------------------------------------


def company_data(company: Company) -> dict:
    return {
        "aliases": sorted(alias.name for alias in company.aliases.all()),
        "description": company.description,
        "name": company.name,
        "slug": company.slug,
        "website": company.website,
    }


def old_slugs(redirects) -> list[dict]:
    return sorted(
        ({"created_at": timestamp(r.created_at), "old_slug": r.old_slug} for r in redirects),
        key=lambda item: item["old_slug"],
    )


def article_data(article: Article) -> dict:
    companies = sorted((company_data(tagged.tag) for tagged in article.tagged_companies.all()), key=lambda c: c["slug"])
    return {
        "type": "article",
        "slug": article.slug,
        "title": article.title,
        "standfirst": article.standfirst,
        "byline": article.byline,
        "status": article.status,
        "published_at": timestamp(article.published_at),
        "created_at": timestamp(article.created_at),
        "updated_at": timestamp(article.updated_at),
        "companies": companies,
        "sections": [
            {"position": s.position, "heading": s.heading, "anchor": s.anchor, "body": s.body}
            for s in article.sections.all()
        ],
        "related": [
            {
                "position": link.position,
                "title": link.title,
                "target": link.target.slug if link.target_id else None,
                "url": link.url,
            }
            for link in article.related_links.all()
        ],
        "old_slugs": old_slugs(article.slug_redirects.all()),
    }


def export_records() -> Iterator[dict]:
    """Every record of the archive, in file order, read from the database chunk by chunk."""
    yield {"type": "header", "format": FORMAT, "version": VERSION}
    companies = (
        Company.objects.order_by(by_bytes("slug"))
        .prefetch_related("aliases", "slug_redirects")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for company in companies:
        yield {"type": "company", **company_data(company), "old_slugs": old_slugs(company.slug_redirects.all())}
    articles = (
        Article.objects.order_by(by_bytes("slug"))
        .prefetch_related(
            Prefetch("sections", Section.objects.order_by("position", "id")),
            Prefetch(
                "related_links",
                RelatedLink.objects.select_related("target").only(
                    "article", "position", "title", "url", "target__slug"
                ),
            ),
            Prefetch("tagged_companies", TaggedCompany.objects.select_related("tag").prefetch_related("tag__aliases")),
            "slug_redirects",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for article in articles:
        yield article_data(article)


def export_archive(stream: TextIO) -> int:
    """Write the whole archive to ``stream``; returns the number of articles written."""
    count = 0
    for record in export_records():
        stream.write(dumps(record) + "\n")
        count += record["type"] == "article"
    return count


# --- Validation of a record (no database access) ----------------------------------------------

_STATUSES = {choice.value for choice in Article.Status}


def _text(record: dict, key: str, *, max_length: int | None = None, required: bool = False) -> str:
    value = record.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ArchiveError(f"« {key} » doit être une chaîne de caractères")
    if "\x00" in value:
        raise ArchiveError(f"« {key} » contient un caractère nul")
    if required and not value.strip():
        raise ArchiveError(f"« {key} » est obligatoire")
    if max_length is not None and len(value) > max_length:
        raise ArchiveError(f"« {key} » dépasse {max_length} caractères")
    return value


def _slug(record: dict, key: str, *, max_length: int) -> str:
    value = _text(record, key, max_length=max_length, required=True)
    try:
        validate_slug(value)
    except ValidationError:
        raise ArchiveError(f"« {key} » n'est pas un slug valide : {value!r}") from None
    return value


def _when(record: dict, key: str, *, required: bool) -> datetime | None:
    value = record.get(key)
    if value is None:
        if required:
            raise ArchiveError(f"« {key} » est obligatoire")
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or parsed.tzinfo is None:
        raise ArchiveError(f"« {key} » n'est pas une date ISO 8601 avec fuseau : {value!r}")
    return parsed


def _list(record: dict, key: str) -> list:
    value = record.get(key, [])
    if not isinstance(value, list):
        raise ArchiveError(f"« {key} » doit être une liste")
    for item in value:
        if key != "aliases" and not isinstance(item, dict):
            raise ArchiveError(f"« {key} » doit être une liste d'objets")
    return value


def _url(value: str, key: str) -> str:
    if not value:
        return ""
    value = normalise_url(value)
    try:
        validate_http_url(value)
    except ValidationError:
        raise ArchiveError(f"« {key} » n'est pas une adresse http(s) valide : {value!r}") from None
    return value


def _position(item: dict, seen: set, what: str) -> int:
    position = item.get("position")
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        raise ArchiveError(f"{what} : « position » doit être un entier positif")
    if position in seen:
        raise ArchiveError(f"{what} : position {position} en double")
    seen.add(position)
    return position


def clean_old_slugs(record: dict, *, max_length: int) -> list[tuple[str, datetime | None]]:
    return [
        (_slug(item, "old_slug", max_length=max_length), _when(item, "created_at", required=False))
        for item in _list(record, "old_slugs")
    ]


def clean_company(record: dict) -> dict:
    aliases = []
    for alias in _list(record, "aliases"):
        if not isinstance(alias, str) or not alias.strip() or len(alias) > 100 or "\x00" in alias:
            raise ArchiveError(f"alias invalide : {alias!r}")
        aliases.append(alias)
    if len({alias.lower() for alias in aliases}) != len(aliases):
        raise ArchiveError("alias en double")
    website = _text(record, "website", max_length=200)
    return {
        "name": _text(record, "name", max_length=100, required=True),
        "slug": _slug(record, "slug", max_length=100),
        "description": _text(record, "description"),
        "website": _url(website, "website"),
        "aliases": aliases,
    }


def clean_article(record: dict) -> dict:
    slug = _slug(record, "slug", max_length=200)
    status = record.get("status")
    if status not in _STATUSES:
        raise ArchiveError(f"« status » inconnu : {status!r} (attendu : {', '.join(sorted(_STATUSES))})")
    published_at = _when(record, "published_at", required=status == Article.Status.PUBLISHED)
    sections, positions, anchors = [], set(), set()
    for item in _list(record, "sections"):
        position = _position(item, positions, "section")
        anchor = _text(item, "anchor", max_length=100)
        if anchor:
            try:
                validate_slug(anchor)
            except ValidationError:
                raise ArchiveError(f"section : ancre invalide {anchor!r}") from None
            if anchor in anchors:
                raise ArchiveError(f"section : ancre « {anchor} » en double")
            anchors.add(anchor)
        sections.append(
            {
                "position": position,
                "heading": _text(item, "heading", max_length=255),
                "anchor": anchor,
                "body": _text(item, "body"),
            }
        )
    related, positions = [], set()
    for item in _list(record, "related"):
        position = _position(item, positions, "lien")
        target = item.get("target")
        if target is not None:
            target = _slug(item, "target", max_length=200)
            if target == slug:
                raise ArchiveError("lien : un article ne peut pas renvoyer vers lui-même")
        url = _url(_text(item, "url", max_length=500), "url")
        title = _text(item, "title", max_length=255)
        if target and url:
            raise ArchiveError("lien : interne (« target ») ou externe (« url »), pas les deux")
        if not (title or target or url):
            raise ArchiveError("lien : ni titre, ni cible, ni adresse")
        related.append({"position": position, "title": title, "target": target, "url": url})
    return {
        "slug": slug,
        "title": _text(record, "title", max_length=255, required=True),
        "standfirst": _text(record, "standfirst"),
        "byline": _text(record, "byline", max_length=200),
        "status": status,
        "published_at": published_at,
        "created_at": _when(record, "created_at", required=True),
        "updated_at": _when(record, "updated_at", required=True),
        "companies": [clean_company(company) for company in _list(record, "companies")],
        "sections": sections,
        "related": related,
        "old_slugs": clean_old_slugs(record, max_length=200),
    }


def parse_line(number: int, raw: bytes) -> tuple[str, dict] | None:
    """Decode and validate one line: ``(type, cleaned data)``, or None for a blank line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ArchiveError(
            f"texte non UTF-8 (octet 0x{raw[error.start]:02x} à la colonne {error.start + 1})", line=number
        ) from None
    if number == 1:
        text = text.lstrip("\ufeff")
    if not text.strip():
        return None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise ArchiveError(f"JSON invalide ({error.msg}, colonne {error.colno})", line=number) from None
    if not isinstance(record, dict):
        raise ArchiveError("un objet JSON est attendu", line=number)
    kind = record.get("type")
    try:
        if kind == "header":
            if record.get("format") != FORMAT:
                raise ArchiveError(f"format inconnu {record.get('format')!r} (attendu : {FORMAT})")
            if record.get("version") != VERSION:
                raise ArchiveError(f"version {record.get('version')!r} non prise en charge (attendu : {VERSION})")
            return kind, {}
        if kind == "company":
            data = clean_company(record)
            data["old_slugs"] = clean_old_slugs(record, max_length=100)
            return kind, data
        if kind == "article":
            return kind, clean_article(record)
    except ArchiveError as error:
        raise ArchiveError(error.message, line=number) from None
    raise ArchiveError(f"type d'enregistrement inconnu : {kind!r}", line=number)


# --- Writing (service functions) --------------------------------------------------------------


class CompanyCache:
    """Companies already written by this import, so each is written once however many
    articles carry it. Entries made inside a line that fails are forgotten with it."""

    def __init__(self):
        self.known: dict[str, tuple[int, str]] = {}
        self.pending: list[str] = []

    def get(self, data: dict) -> int | None:
        entry = self.known.get(data["slug"])
        return entry[0] if entry and entry[1] == dumps(data) else None

    def put(self, data: dict, pk: int) -> None:
        self.known[data["slug"]] = (pk, dumps(data))
        self.pending.append(data["slug"])

    def commit(self) -> None:
        self.pending.clear()

    def rollback(self) -> None:
        for slug in self.pending:
            self.known.pop(slug, None)
        self.pending.clear()


def _set_created_at(model, pk: int, created_at: datetime | None) -> None:
    if created_at is not None:
        model.objects.filter(pk=pk).update(created_at=created_at)


def archive_company_upsert(*, data: dict, cache: CompanyCache) -> int:
    """Create or update a company (by slug, else by name ignoring case) and make its aliases
    exactly the listed ones; returns its primary key. Old slugs (``old_slugs``) are added."""
    company_fields = {k: data[k] for k in ("name", "slug", "description", "website", "aliases")}
    pk = cache.get(company_fields)
    if pk is None:
        company = (
            Company.objects.filter(slug=data["slug"]).first()
            or Company.objects.filter(name__iexact=data["name"]).first()
        )
        values = {k: data[k] for k in ("name", "slug", "description", "website")}
        if company is None:
            company = Company.objects.create(**values)
        else:
            previous_slug = company.slug
            changed = [k for k, v in values.items() if getattr(company, k) != v]
            for k in changed:
                setattr(company, k, values[k])
            if changed:
                company.save(update_fields=changed)
                services.company_record_slug(company=company, previous_slug=previous_slug)
        wanted = {alias.lower(): alias for alias in data["aliases"]}
        current = list(CompanyAlias.objects.filter(company=company))
        CompanyAlias.objects.filter(pk__in=[a.pk for a in current if a.name.lower() not in wanted]).delete()
        current_names = {a.name for a in current}
        for name in data["aliases"]:
            if name in current_names:
                continue
            # Alias names are unique across companies: one met elsewhere moves here.
            alias = CompanyAlias.objects.filter(name__iexact=name).first()
            if alias is None:
                CompanyAlias.objects.create(company=company, name=name)
            else:
                alias.company, alias.name = company, name
                alias.save()
        pk = company.pk
        cache.put(company_fields, pk)
    for old_slug, created_at in data.get("old_slugs", []):
        redirect, _ = CompanySlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"company_id": pk})
        _set_created_at(CompanySlugRedirect, redirect.pk, created_at)
    return pk


def archive_article_upsert(*, data: dict, cache: CompanyCache) -> tuple[int, bool]:
    """Create or update an article (by slug) with its companies, sections and old slugs,
    timestamps as in the file. Related links are written by ``archive_links_set`` (second
    pass). Returns the article's primary key and whether it was created."""
    values = {k: data[k] for k in ("title", "standfirst", "byline", "status", "published_at")}
    article = Article.objects.filter(slug=data["slug"]).first()
    created = article is None
    if created:
        article = Article.objects.create(slug=data["slug"], **values)
    else:
        for k, v in values.items():
            setattr(article, k, v)
        article.save()

    company_ids = {archive_company_upsert(data=company, cache=cache) for company in data["companies"]}
    TaggedCompany.objects.filter(content_object=article).exclude(tag_id__in=company_ids).delete()
    tagged = set(TaggedCompany.objects.filter(content_object=article).values_list("tag_id", flat=True))
    TaggedCompany.objects.bulk_create(
        TaggedCompany(content_object=article, tag_id=pk) for pk in sorted(company_ids - tagged)
    )

    # Written as in the file, anchors included (bulk_create: Section.save() would derive them).
    article.sections.all().delete()
    Section.objects.bulk_create(Section(article=article, **section) for section in data["sections"])

    services.article_record_slug(article=article, previous_slug=None)
    for old_slug, created_at in data["old_slugs"]:
        if old_slug == article.slug:
            continue
        redirect, _ = ArticleSlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": article})
        _set_created_at(ArticleSlugRedirect, redirect.pk, created_at)

    # auto_now and auto_now_add overwrite what save() is given: restore the file's timestamps.
    # An updated article's version moves on, so an editor's open form notices the change.
    Article.objects.filter(pk=article.pk).update(
        created_at=data["created_at"],
        updated_at=data["updated_at"],
        version=F("version") + (0 if created else 1),
    )
    return article.pk, created


def archive_links_set(*, data: dict) -> tuple[int, list[str]]:
    """Make an article's related links exactly the file's; returns its pk and warnings.

    A target that is in neither the file nor the database keeps the link, unfinished, with the
    target's slug as its title when it had none: nothing is dropped, an editor completes it.
    """
    article_id = Article.objects.filter(slug=data["slug"]).values_list("pk", flat=True).get()
    slugs = {link["target"] for link in data["related"] if link["target"]}
    targets = dict(Article.objects.filter(slug__in=slugs).values_list("slug", "pk")) if slugs else {}
    warnings, links = [], []
    for link in data["related"]:
        target_id = targets.get(link["target"]) if link["target"] else None
        title = link["title"]
        if link["target"] and target_id is None:
            warnings.append(f"article cible « {link['target']} » introuvable : lien gardé, à compléter")
            title = title or link["target"]
        links.append(
            RelatedLink(
                article_id=article_id, position=link["position"], title=title, url=link["url"], target_id=target_id
            )
        )
    RelatedLink.objects.filter(article_id=article_id).delete()
    RelatedLink.objects.bulk_create(links)
    return article_id, warnings


# --- Import -----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    articles_created: int = 0
    articles_updated: int = 0
    companies: int = 0
    errors: list[ArchiveError] = field(default_factory=list)
    warnings: list[ArchiveError] = field(default_factory=list)
    refused: bool = False  # --atomic: nothing was written


def _lines(handle: BinaryIO) -> Iterator[tuple[int, bytes]]:
    handle.seek(0)
    yield from enumerate(handle, start=1)


def _check_header(handle: BinaryIO) -> None:
    """The first non-blank line must be this format's header: refuse any other file at once."""
    for number, raw in _lines(handle):
        try:
            text = raw.decode("utf-8").lstrip("\ufeff")
        except UnicodeDecodeError:
            raise ArchiveError(
                "le fichier n'est pas encodé en UTF-8 : ce n'est pas une archive exportée par export_archive"
            ) from None
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError:
            record = None
        if not isinstance(record, dict) or record.get("type") != "header":
            raise ArchiveError(
                f"en-tête manquant : la première ligne doit être "
                f'{{"format":"{FORMAT}","type":"header","version":{VERSION}}}',
                line=number,
            )
        parse_line(number, raw)  # checks the format name and version
        return
    raise ArchiveError("fichier vide : aucune ligne à importer")


def _write(kind: str, data: dict, cache: CompanyCache, report: ImportReport) -> None:
    if kind == "company":
        archive_company_upsert(data=data, cache=cache)
        report.companies += 1
    elif kind == "article":
        _pk, created = archive_article_upsert(data=data, cache=cache)
        if created:
            report.articles_created += 1
        else:
            report.articles_updated += 1


def import_archive(path: str | Path, *, atomic: bool = False) -> ImportReport:
    """Load an archive file into the database (empty or not: articles are matched by slug).

    Without ``atomic``, a bad line is reported with its number and skipped, and every other
    line is written (each line in its own savepoint, lines committed ``CHUNK_SIZE`` at a time).
    With ``atomic``, the whole file is validated first and any bad line refuses it: nothing is
    written. Raises ``ArchiveError`` for a file that is not an archive at all.
    """
    report = ImportReport()
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below; the two passes share it)
    except FileNotFoundError:
        raise ArchiveError(f"fichier introuvable : {path}") from None
    except IsADirectoryError:
        raise ArchiveError(f"{path} est un dossier, pas un fichier") from None
    except OSError as error:
        raise ArchiveError(f"lecture impossible de {path} ({error.strerror or error})") from None
    with handle:
        _check_header(handle)
        if atomic:
            for number, raw in _lines(handle):
                try:
                    parse_line(number, raw)
                except ArchiveError as error:
                    report.errors.append(error)
            if report.errors:
                report.refused = True
                return report
            try:
                with transaction.atomic():
                    _import_lines(handle, report, atomic=True)
            except (ArchiveError, DatabaseError, ValidationError) as error:
                report.errors.append(error if isinstance(error, ArchiveError) else ArchiveError(str(error)))
                report.refused = True
                report.articles_created = report.articles_updated = report.companies = 0
                report.warnings.clear()
        else:
            _import_lines(handle, report, atomic=False)
    return report


def _import_lines(handle: BinaryIO, report: ImportReport, *, atomic: bool) -> None:
    """The two passes: records, then related links (targets may come later in the file)."""
    cache = CompanyCache()
    failed: set[int] = set()

    def chunks():
        chunk = []
        for item in _lines(handle):
            chunk.append(item)
            if len(chunk) >= CHUNK_SIZE:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    # Search index and page cache are refreshed once per article, after the second pass has
    # committed its links (refreshing after each pass would index every article twice).
    for chunk in chunks():
        with transaction.atomic():
            for number, raw in chunk:
                try:
                    with transaction.atomic():
                        parsed = parse_line(number, raw)
                        if parsed:
                            _write(*parsed, cache, report)
                    cache.commit()
                except (ArchiveError, DatabaseError, ValidationError) as error:
                    cache.rollback()
                    if atomic:
                        raise ArchiveError(getattr(error, "message", str(error)), line=number) from None
                    failed.add(number)
                    report.errors.append(
                        error
                        if isinstance(error, ArchiveError)
                        else ArchiveError(f"refusé par la base ({error})", line=number)
                    )

    for chunk in chunks():
        with transaction.atomic():
            written = []
            for number, raw in chunk:
                if number in failed:
                    continue
                parsed = parse_line(number, raw)
                if not parsed or parsed[0] != "article":
                    continue
                try:
                    with transaction.atomic():
                        pk, warnings = archive_links_set(data=parsed[1])
                except DatabaseError as error:
                    if atomic:
                        raise ArchiveError(f"liens refusés par la base ({error})", line=number) from None
                    report.errors.append(ArchiveError(f"liens refusés par la base ({error})", line=number))
                    # The article itself was written by the first pass: it still needs its refresh.
                    written.extend(Article.objects.filter(slug=parsed[1]["slug"]).values_list("pk", flat=True))
                    continue
                written.append(pk)
                report.warnings.extend(ArchiveError(w, line=number) for w in warnings)
            services.refresh_after_commit(written)
