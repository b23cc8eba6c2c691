"""Importing the newsletter's plain-text issues as archive articles.

The format, as editors save it (UTF-8, a BOM tolerated, LF or CRLF, one paragraph per line,
blank lines ignored)::

    # OpenAI veut s'émanciper de Microsoft          <- optional title line ("# ")
    Premier paragraphe d'ouverture.                 <- opening section, no heading
    Copilot impacté ? – Chez Microsoft, on ...      <- "Heading – text" starts a section
    Un autre paragraphe de la même section.
    Pour aller plus loin :                          <- the related-reading list
    - Microsoft recrute l'équipe d'Inflection AI    <- internal link if the archive has it
    - Le rapport annuel : https://example.org/r     <- an item with an address: external link

A heading is *short*: at most ``HEADING_MAX_WORDS`` words and ``HEADING_MAX_CHARS`` characters,
followed by a spaced en dash, em dash or hyphen, and not ending with ``,`` ``;`` or ``:`` (a
sentence that merely contains a dash stays a paragraph). Nothing the file says is dropped: a
line the parser cannot place makes it refuse the whole file, with the line number.

Identity: an article is known by the slug of its title. Importing a file whose title gives the
slug of an existing article (or one of its old slugs) updates that article, so re-importing a
corrected file never creates a second article; a file whose title changed creates a new one.

Parsing (``parse_newsletter``) reads nothing from the database; planning (``plan_import``)
only reads; ``newsletter_import`` writes, in one transaction per article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from . import services
from .detection import CompanyDetector, Mention, normalise
from .models import Article, ArticleSlugRedirect, Company, RelatedLink, Section, unique_slug, validate_http_url

HEADING_MAX_WORDS = 10
HEADING_MAX_CHARS = 80
TITLE_MAX_CHARS = Article._meta.get_field("title").max_length
LINK_TITLE_MAX_CHARS = RelatedLink._meta.get_field("title").max_length
URL_MAX_CHARS = RelatedLink._meta.get_field("url").max_length

_HEADING = re.compile(r"^(?P<heading>\S.*?)\s+[-–—]\s+(?P<rest>\S.*)$")
_RELATED_START = re.compile(r"^pour aller plus loin\s*:?$", re.IGNORECASE)
_ITEM = re.compile(r"^[-–—•]\s*(?P<text>.*)$")
_ITEM_WITH_URL = re.compile(r"^(?P<title>.*?)\s*(?:[:–—-]\s*)?<?(?P<url>https?://[^\s<>]+)>?$", re.IGNORECASE)


class NewsletterError(Exception):
    """A file that cannot be imported; the message (French) says why, with the line if known."""

    def __init__(self, message: str, *, line: int | None = None):
        self.line = line
        super().__init__(f"ligne {line} : {message}" if line else message)


@dataclass
class ParsedSection:
    heading: str
    paragraphs: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class ParsedLink:
    title: str
    url: str = ""


@dataclass
class Newsletter:
    """What a file says: its title, sections in order and related-reading items."""

    title: str
    sections: list[ParsedSection]
    related: list[ParsedLink]

    @property
    def slug_key(self) -> str:
        """The identity of the article this file becomes (see the module docstring)."""
        return slugify(slug_base(self.title))[: Article._meta.get_field("slug").max_length].strip("-")

    @property
    def text(self) -> str:
        """Everything companies are searched in."""
        parts = [self.title]
        for section in self.sections:
            parts.append(section.heading)
            parts.extend(section.paragraphs)
        return "\n".join(part for part in parts if part)


def slug_base(title: str) -> str:
    """The title as slugs are made from it: an apostrophe separates words ("l’OpenAI" → l-openai)."""
    return re.sub(r"['’ʼ]", " ", title)


def read_newsletter(path: Path) -> str:
    """The text of a newsletter file: UTF-8, a leading BOM removed; ``NewsletterError`` otherwise."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise NewsletterError("fichier introuvable") from None
    except IsADirectoryError:
        raise NewsletterError("c'est un dossier, pas un fichier") from None
    except PermissionError:
        raise NewsletterError("lecture refusée (droits du fichier)") from None
    except OSError as error:
        raise NewsletterError(f"lecture impossible ({error.strerror or error})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise NewsletterError(
            f"le fichier n'est pas encodé en UTF-8 (octet 0x{data[error.start]:02x} invalide) ; "
            "enregistrez-le en UTF-8 et recommencez",
            line=line,
        ) from None


def heading_split(paragraph: str) -> tuple[str, str] | None:
    """``(heading, rest)`` if ``paragraph`` opens with a short heading and a spaced dash."""
    match = _HEADING.match(paragraph)
    if match is None:
        return None
    heading = match.group("heading").strip()
    if (
        heading[0] in "-–—•"  # a bulleted line, not a heading
        or len(heading) > HEADING_MAX_CHARS
        or len(heading.split()) > HEADING_MAX_WORDS
        or heading[-1] in ",;:"
        or re.search(r"[.!?…]\s+\S", heading)  # two sentences: a paragraph, not a heading
    ):
        return None
    return heading, match.group("rest").strip()


def parse_item(text: str, line: int) -> ParsedLink:
    match = _ITEM_WITH_URL.match(text)
    if match:
        title, url = match.group("title").strip(), match.group("url")
        if len(url) > URL_MAX_CHARS:
            raise NewsletterError(f"adresse de plus de {URL_MAX_CHARS} caractères", line=line)
        try:
            validate_http_url(url)
        except ValidationError:
            raise NewsletterError(f"adresse invalide : {url}", line=line) from None
    else:
        title, url = text.strip(), ""
    if not title and not url:
        raise NewsletterError("élément « Pour aller plus loin » vide", line=line)
    if len(title) > LINK_TITLE_MAX_CHARS:
        raise NewsletterError(f"titre de lien de plus de {LINK_TITLE_MAX_CHARS} caractères", line=line)
    return ParsedLink(title=title, url=url)


def parse_newsletter(text: str, *, title: str | None = None) -> Newsletter:
    """Understand a newsletter's text; ``title`` (from ``--title``) wins over a "# " line.

    Raises ``NewsletterError`` for a file that cannot be imported as a whole.
    """
    lines = [(number, line.strip()) for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line]
    for number, line in lines:
        if "\x00" in line:
            raise NewsletterError("caractère nul (fichier binaire ?)", line=number)
    if lines and lines[0][1].startswith("# "):
        file_title = lines.pop(0)[1][2:].strip()
        title = title or file_title
    title = (title or "").strip()
    if not title:
        raise NewsletterError("pas de titre : ajoutez une première ligne « # Titre » ou l'option --title")
    if len(title) > TITLE_MAX_CHARS:
        raise NewsletterError(f"titre de plus de {TITLE_MAX_CHARS} caractères")
    if not slugify(title):
        raise NewsletterError("le titre doit contenir au moins une lettre ou un chiffre")

    sections: list[ParsedSection] = [ParsedSection(heading="")]
    related: list[ParsedLink] | None = None
    related_line = 0
    for number, line in lines:
        if related is not None:
            item = _ITEM.match(line)
            if item is None:
                raise NewsletterError(
                    f"après « Pour aller plus loin » (ligne {related_line}), chaque ligne doit commencer "
                    f"par un tiret ; trouvé : « {line[:60]} »",
                    line=number,
                )
            related.append(parse_item(item.group("text"), number))
        elif _RELATED_START.match(line):
            related, related_line = [], number
        elif split := heading_split(line):
            sections.append(ParsedSection(heading=split[0], paragraphs=[split[1]]))
        else:
            sections[-1].paragraphs.append(line)

    if not sections[0].paragraphs:
        sections.pop(0)  # the file opens with a heading: no opening section
    if not sections:
        raise NewsletterError("aucun paragraphe : le fichier ne contient que le titre")
    return Newsletter(title=title, sections=sections, related=related or [])


# --- Planning: what an import would do (reads only) -------------------------------------------


def title_key(title: str) -> str:
    """Compare titles ignoring case, accents, quote styles and surrounding quotes."""
    return normalise(title).strip("\"' .")


class TitleIndex:
    """The archive's titles, to resolve related-reading items; loaded once per command run.

    Two articles with the same title: the most recently published wins (the default ordering).
    """

    def __init__(self):
        self._by_key: dict[str, tuple[int, str]] | None = None

    def _load(self) -> dict[str, tuple[int, str]]:
        if self._by_key is None:
            self._by_key = {}
            rows = Article.objects.order_by("-published_at", "-id").values_list("pk", "title", "slug")
            for pk, title, slug in rows.iterator(chunk_size=2000):
                self._by_key.setdefault(title_key(title), (pk, slug))
        return self._by_key

    def find(self, title: str) -> tuple[int, str] | None:
        """``(pk, slug)`` of the article titled ``title``, if any."""
        return self._load().get(title_key(title))

    def add(self, article: Article) -> None:
        """Make an article imported in this run a possible target for the next files."""
        by_key = self._load()
        for key, (pk, _slug) in list(by_key.items()):
            if pk == article.pk:
                del by_key[key]
        by_key[title_key(article.title)] = (article.pk, article.slug)


@dataclass
class PlannedLink:
    title: str
    url: str = ""
    target_id: int | None = None
    target_slug: str = ""
    kept: bool = False  # completed earlier by an editor, kept as they left it

    @property
    def is_unfinished(self) -> bool:
        return self.target_id is None and not self.url


@dataclass
class ImportPlan:
    newsletter: Newsletter
    existing: Article | None
    mentions: list[Mention]
    links: list[PlannedLink]


def find_existing(newsletter: Newsletter) -> Article | None:
    """The article a file updates: same slug, or a slug the article used to have."""
    slug = newsletter.slug_key
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        moved = ArticleSlugRedirect.objects.filter(old_slug=slug).select_related("article").first()
        article = moved.article if moved else None
    return article


def plan_import(newsletter: Newsletter, *, detector: CompanyDetector, titles: TitleIndex) -> ImportPlan:
    """Decide, without writing, which article the file updates, its companies and its links."""
    existing = find_existing(newsletter)
    # Links an editor completed by hand since the last import are kept when the file's item
    # still does not resolve by itself: re-importing must not undo their work.
    completed = {}
    if existing is not None:
        for link in existing.related_links.select_related("target"):
            if not link.is_unfinished:
                completed.setdefault(title_key(link.display_title), link)
                if link.title:
                    completed.setdefault(title_key(link.title), link)

    links = []
    for item in newsletter.related:
        if item.url:
            links.append(PlannedLink(title=item.title, url=item.url))
            continue
        found = titles.find(item.title)
        if found and (existing is None or found[0] != existing.pk):
            # The target's own title is shown (and follows its retitling): no copy kept.
            links.append(PlannedLink(title="", target_id=found[0], target_slug=found[1]))
        elif previous := completed.get(title_key(item.title)):
            links.append(
                PlannedLink(
                    title=item.title,
                    url=previous.url,
                    target_id=previous.target_id,
                    target_slug=previous.target.slug if previous.target_id else "",
                    kept=True,
                )
            )
        else:
            links.append(PlannedLink(title=item.title))
    return ImportPlan(
        newsletter=newsletter, existing=existing, mentions=detector.mentions(newsletter.text), links=links
    )


# --- Writing ----------------------------------------------------------------------------------


def _new_slug(title: str) -> str:
    def taken(slug):
        return Article.objects.filter(slug=slug).exists() or ArticleSlugRedirect.objects.filter(old_slug=slug).exists()

    return unique_slug(slug_base(title), taken)


@transaction.atomic
def newsletter_import(
    *,
    plan: ImportPlan,
    byline: str | None = None,
    published_at: datetime | None = None,
    publish: bool = False,
) -> tuple[Article, bool]:
    """Write ``plan``: create or update the article, its sections, links and company tags.

    One transaction: a failure leaves the archive as it was. Returns the article and whether
    it was created. Companies found in the text are added to the article's tags (tags an
    editor added by hand stay). The status is only changed by ``publish``.
    """
    newsletter = plan.newsletter
    article = plan.existing
    created = article is None
    if created:
        article = Article(title=newsletter.title, slug=_new_slug(newsletter.title), byline=byline or "")
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
        article.title = newsletter.title
        if byline is not None:
            article.byline = byline
    if published_at is not None:
        article.published_at = published_at
    article.save()

    # Sections: an existing section with the same heading is reused, so its anchor (shared in
    # readers' links) survives a re-import; the others are replaced.
    existing_sections = {}
    for section in article.sections.all():
        existing_sections.setdefault(section.heading, []).append(section)
    sections = []
    for parsed in newsletter.sections:
        reused = existing_sections.get(parsed.heading)
        section = reused.pop(0) if reused else Section(article=article, heading=parsed.heading)
        section.body = parsed.body
        section.position = len(sections) + 1
        sections.append(section)
    keep = [section.pk for section in sections if section.pk]
    article.sections.exclude(pk__in=keep).delete()
    services.article_children_save_in_order(article=article, model=Section, children=sections)

    article.related_links.all().delete()
    links = [
        RelatedLink(article=article, position=position, title=link.title, url=link.url, target_id=link.target_id)
        for position, link in enumerate(plan.links, start=1)
    ]
    services.article_children_save_in_order(article=article, model=RelatedLink, children=links)

    if plan.mentions:
        companies = Company.objects.filter(pk__in=[m.company_id for m in plan.mentions])
        services.article_tag_companies(article=article, companies=companies)

    services.article_saved(article=article, previous_slug=None)
    if publish:
        services.article_publish(article=article, when=published_at)
    return article, created
