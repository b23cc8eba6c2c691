"""The archive's data: companies (the tag pool), articles, their sections and related reading.

What readers may see is decided in exactly one place, ``ArticleQuerySet.published()``.
Writes that touch several models (publishing, slug changes, merges) live in
``articles.services``; the models only hold data, constraints and small derived values.
"""

from urllib.parse import urlsplit

from django import forms
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, connections, models
from django.db.models import Count, Exists, F, Func, OuterRef, Q
from django.db.models.functions import Lower, TruncMonth
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import NaturalKeyManager, TagBase, TaggedItemBase

from .links import slug_url

# A card's companies: by name (the id settles equal names).
CARD_ORDER = ("tag__name", "tag_id")

# Link URLs are checked on the server: only the web's two schemes, whatever the widget allowed.
validate_http_url = URLValidator(
    schemes=["http", "https"], message=_("Saisissez une adresse web commençant par http:// ou https://.")
)


class HttpURLFormField(forms.URLField):
    default_validators = [validate_http_url]
    default_error_messages = {"invalid": validate_http_url.message}


class HttpURLField(models.URLField):
    """An http(s)-only URL field; its form takes an address typed without a scheme as https."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("form_class", HttpURLFormField)
        return super().formfield(**kwargs)


def unique_slug(base: str, taken, max_length: int = 200, fallback: str = "article") -> str:
    """Return an ASCII slug built from ``base`` for which ``taken(slug)`` is false.

    "Inflection AI" gives "inflection-ai"; a clash gets "-2", "-3"... appended.
    """
    slug = slugify(base)[:max_length].strip("-") or fallback
    candidate, suffix = slug, 2
    while taken(candidate):
        tail = f"-{suffix}"
        candidate = f"{slug[: max_length - len(tail)]}{tail}"
        suffix += 1
    return candidate


class CompanyQuerySet(models.QuerySet):
    def with_public_coverage(self):
        """Companies with at least one public article, with ``public_count`` and ``latest_published_at``.

        The one definition of a company's public coverage (index page, sitemap): drafts and
        scheduled articles count for nothing, through ``Article.objects.published()``.
        """
        public = Q(tagged_articles__content_object__in=Article.objects.published())
        return self.annotate(
            public_count=models.Count("tagged_articles", filter=public),
            latest_published_at=models.Max("tagged_articles__content_object__published_at", filter=public),
        ).filter(public_count__gt=0)


class Company(TagBase):
    """A company the newsroom writes about; the pool of tags articles carry.

    A custom django-taggit tag model, so companies are not mixed with generic tags.
    ``name`` and ``slug`` come from TagBase (both unique); names are also unique ignoring case.
    """

    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Quelques lignes de présentation, ex. « Éditeur de Windows et d'Office, basé à Redmond. »"),
    )
    website = HttpURLField(
        _("site web"),
        blank=True,
        validators=[validate_http_url],
        help_text=_("Adresse du site officiel, ex. https://www.microsoft.com"),
    )

    # TagBase's manager (natural keys for dumpdata/loaddata) with our QuerySet methods.
    objects = NaturalKeyManager.from_queryset(CompanyQuerySet)()

    class Meta:
        verbose_name = _("entreprise")
        verbose_name_plural = _("entreprises")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="company_name_unique_ci"),
        ]

    def __str__(self):
        return self.name

    def slugify(self, tag, i=None):
        # ASCII slugs only (TagBase would keep accents when TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING
        # is off): "Société Générale" gives "societe-generale".
        slug = slugify(tag) or "entreprise"
        return f"{slug}-{i}" if i is not None else slug

    URL_NAME = "articles:company_detail"

    def get_absolute_url(self):
        return slug_url(self.URL_NAME, self.slug)


class CompanyAlias(models.Model):
    """Another name writers use for a company: "Redmond" or "l'éditeur de Windows" for Microsoft."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("entreprise"))
    name = models.CharField(
        _("alias"),
        max_length=100,
        help_text=_("Autre nom employé par la rédaction, ex. « Redmond » ou « l'éditeur de Windows »."),
    )

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("alias")
        ordering = ["company", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="companyalias_name_unique_ci"),
        ]

    def __str__(self):
        return self.name


class CompanySlugRedirect(models.Model):
    """An old company address that still answers: left by a rename or a merge."""

    old_slug = models.SlugField(_("ancien slug"), max_length=100, unique=True)
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="slug_redirects", verbose_name=_("entreprise")
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("ancienne adresse d'entreprise")
        verbose_name_plural = _("anciennes adresses d'entreprises")
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} → {self.company.slug}"


class TaggedCompany(TaggedItemBase):
    """The link between an article and one of the companies it is about."""

    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_companies", verbose_name=_("article")
    )
    tag = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="tagged_articles", verbose_name=_("entreprise")
    )

    class Meta:
        verbose_name = _("entreprise citée")
        verbose_name_plural = _("entreprises citées")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="taggedcompany_unique_pair"),
        ]

    def __str__(self):
        return f"{self.content_object_id} – {self.tag}"


class NoIndexBound(Func):
    """A column SQLite must not take as the bound of an index range (written ``+column``).

    Given two upper bounds on a column, SQLite ranges over the first one it meets in the
    WHERE clause. ``published()``'s "published by now" came before the bounds a page adds (a
    month, a search's dates), so SQLite read the index from today down to the month asked for:
    9 ms for June 2015 at 100,000 articles, instead of 0.01. PostgreSQL weighs the bounds
    itself and gets the bare column.
    """

    arity = 1

    def as_sql(self, compiler, connection, **extra):
        return compiler.compile(self.source_expressions[0])

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"+{sql}", params


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers may see: published, and due (a future date means scheduled).

        The only definition of "public" in the project; views, feeds, sitemaps and search call
        it. Being evaluated at query time, a scheduled article goes live with no job to run.
        """
        due = LessThanOrEqual(NoIndexBound("published_at", output_field=models.DateTimeField()), timezone.now())
        return self.filter(due, status=Article.Status.PUBLISHED)

    def visible_to(self, user):
        """What ``user`` may open at an article's address: staff also preview drafts."""
        if user is not None and user.is_active and user.is_staff:
            return self.all()
        return self.published()

    def in_order(self, ids) -> list["Article"]:
        """These articles among ``ids``, in the order of ``ids`` (ids not among them left out).

        Looked up by id with no ORDER BY: asked to sort, SQLite without statistics (a database
        never ANALYZEd) walks the whole date index rather than sort twenty rows.
        """
        by_id = self.order_by().in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    def with_cards(self):
        """Everything an article list shows, fetched in a constant number of queries.

        Each article's companies (by name) land in ``card_companies`` through the citation
        rows: prefetching taggit's ``companies`` manager instead builds a filtered QuerySet per
        article (0.4 ms each, 9 ms for a list of twenty).
        """
        citations = TaggedCompany.objects.select_related("tag").order_by(*CARD_ORDER)
        return self.prefetch_related(models.Prefetch("tagged_companies", queryset=citations, to_attr="card_citations"))

    def about(self, company, *, newest_first: bool = False):
        """The articles citing ``company``.

        ``newest_first`` writes the condition as a correlated ``EXISTS``: SQLite then reads the
        articles in date order and checks each one's citations, which suits a company cited by
        a large share of the archive (its latest articles come quickly) or a range of dates;
        otherwise, as a join, SQLite starts from the company's citations, which suits the
        others. PostgreSQL plans both forms alike, from statistics that know each company's
        share; SQLite's know only the average number of articles per company, and read the
        most cited company's 24,000 citations at 100,000 articles to show its latest twenty.
        """
        if newest_first:
            return self.filter(Exists(TaggedCompany.objects.filter(content_object=OuterRef("pk"), tag=company)))
        return self.filter(companies=company)

    def count_by_month(self) -> dict:
        """Number of these articles per month: {first day of the month (site time zone): count}."""
        rows = self.annotate(month=TruncMonth("published_at")).values("month").annotate(count=Count("id"))
        return {row["month"].date(): row["count"] for row in rows.order_by("month")}

    def most_cited_companies(self, *, limit: int, exclude=None):
        """The companies most often cited in these articles, with their number of articles.

        Works on a sliced QuerySet ("the latest 100") too. Two queries: the articles' ids first,
        then ``most_cited_among`` them. As a subquery, PostgreSQL hashed the ids and read every
        citation of the archive to match them (160,000 rows at 100,000 articles, 35 ms for a
        company's latest 1,000).
        """
        return most_cited_among(list(self.values_list("pk", flat=True)), limit=limit, exclude=exclude)

    def latest_per_company(
        self, companies, *, per_company: int, newest_first: set[int] | None = None
    ) -> dict[int, list["Article"]]:
        """The ``per_company`` newest of these articles about each company: {company id: [articles]}.

        One query whatever the number of companies (three on SQLite, see ``newest_first``), and
        bounded: each company picks its newest articles in a LIMITed subquery (an index walk
        down the publication dates), and only the citations of those few articles are read.
        Ranking every citation of the companies with a window function grew with the archive:
        0.5 s for a company cited by a tenth of it.

        ``newest_first``: the ids of the companies whose articles are read in date order (see
        ``about``). None decides: on SQLite, the companies ``tallies.widely_cited`` (two more
        queries; the most cited company's latest three took 21 ms from its 24,000 citations at
        100,000 articles), elsewhere none (PostgreSQL plans both forms alike).
        """
        if not companies:
            return {}
        if newest_first is None:
            from . import tallies  # tallies imports these models

            widely = connections[self.db].vendor == "sqlite"
            newest_first = tallies.widely_cited(companies, cap=per_company) if widely else set()
        newest = self.order_by("-published_at", "-id")
        # Each LIMITed subquery is wrapped in an unsliced one: SQLite refuses LIMIT inside UNION.
        picks = [
            self.model.objects.filter(
                pk__in=newest.about(company, newest_first=company.pk in newest_first).values("pk")[:per_company]
            )
            .order_by()
            .values("pk")
            for company in companies
        ]
        rows = (
            TaggedCompany.objects.filter(tag__in=companies, content_object__in=picks[0].union(*picks[1:], all=True))
            .select_related("content_object")
            .order_by("tag_id", "-content_object__published_at", "-content_object_id")
        )
        latest = {}
        for row in rows:
            # An article picked for one company may cite another one, for which it is not among
            # the newest: each company keeps its own first ``per_company``.
            articles = latest.setdefault(row.tag_id, [])
            if len(articles) < per_company:
                articles.append(row.content_object)
        return latest


def most_cited_among(ids: list[int], *, limit: int, exclude=None):
    """The companies most often cited in the articles ``ids``, with their number of articles.

    Rows of ``tag__name``, ``tag__slug`` and ``count``, most cited first, then by name;
    ``exclude`` (a company) is left out. One query: the citations, looked up by article.
    """
    from .search.backends import get_backend  # the search package imports these models

    citations = TaggedCompany.objects.filter(content_object_id__in=get_backend().ids(ids))
    if exclude is not None:
        citations = citations.exclude(tag=exclude)
    return (
        citations.values("tag__name", "tag__slug").annotate(count=Count("id")).order_by("-count", "tag__name")[:limit]
    )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")

    title = models.CharField(
        _("titre"), max_length=255, help_text=_("Ex. « OpenAI et Microsoft revoient leur accord »")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_(
            "Partie de l'adresse de l'article, ex. « openai-microsoft-accord ». Si vous la "
            "changez, l'ancienne adresse redirige vers la nouvelle."
        ),
    )
    standfirst = models.TextField(
        _("chapô"), blank=True, help_text=_("Le paragraphe d'accroche affiché sous le titre.")
    )
    byline = models.CharField(_("signature"), max_length=200, blank=True, help_text=_("Ex. « Claire Dubois »"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        _("date de publication"),
        null=True,
        blank=True,
        help_text=_(
            "Une date future programme l'article : il devient public à cette heure-là, sans autre "
            "action. Vide pour un brouillon ; remplie automatiquement à la publication."
        ),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Incrémentée à chaque enregistrement, pour refuser les modifications concurrentes."),
    )

    companies = TaggableManager(
        through=TaggedCompany,
        blank=True,
        verbose_name=_("entreprises"),
        help_text=_("Les entreprises dont parle l'article, ex. Microsoft, OpenAI."),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        permissions = [("publish_article", _("Peut publier, dépublier et programmer des articles"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_published_has_date",
                violation_error_message=_("Un article publié doit avoir une date de publication."),
            ),
            models.CheckConstraint(condition=Q(status__in=["draft", "published"]), name="article_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_pubdate_idx"),
        ]

    def __str__(self):
        return self.title

    URL_NAME = "articles:article_detail"

    def get_absolute_url(self):
        return slug_url(self.URL_NAME, self.slug)

    @property
    def card_companies(self) -> list["Company"]:
        """The companies shown on the article's card, by name: fetched with the list by
        ``with_cards()`` or ``attach_card_companies()``, or read now when the article did not
        come from such a list."""
        companies = self.__dict__.get("_card_companies")
        if companies is not None:
            return companies
        citations = getattr(self, "card_citations", None)
        if citations is None:
            return list(self.companies.order_by("name", "id"))
        return [citation.tag for citation in citations]

    @staticmethod
    def attach_card_companies(articles: list["Article"]) -> None:
        """Give already fetched ``articles`` their ``card_companies`` in one query of plain rows.

        Written in SQL, ordered as ``CARD_ORDER``: for a page of twenty search results the ORM
        spent 1.8 ms building this query and reading it, the database 0.3 ms.
        """
        rows = []
        if articles:
            with connection.cursor() as cursor:
                cursor.execute(*Article.card_companies_statement([article.pk for article in articles]))
                rows = cursor.fetchall()
        Article.attach_card_company_rows(articles, rows)

    @staticmethod
    def card_companies_statement(article_ids: list[int]) -> tuple[str, list]:
        """The query of ``attach_card_companies`` (for ``article_ids``, at least one), to send
        with others: (sql, params)."""
        placeholders = ", ".join(["%s"] * len(article_ids))
        sql = (
            f"SELECT t.content_object_id, c.id, c.name, c.slug FROM {TaggedCompany._meta.db_table} t "
            f"JOIN {Company._meta.db_table} c ON c.id = t.tag_id "
            f"WHERE t.content_object_id IN ({placeholders}) ORDER BY c.name, c.id"
        )
        return sql, list(article_ids)

    @staticmethod
    def attach_card_company_rows(articles: list["Article"], rows) -> None:
        """``card_companies`` from the rows of ``card_companies_statement``."""
        companies: dict[int, list[Company]] = {article.pk: [] for article in articles}
        for article_id, company_id, name, slug in rows:
            companies[article_id].append(Company(id=company_id, name=name, slug=slug))
        for article in articles:
            article._card_companies = companies[article.pk]

    @property
    def is_public(self) -> bool:
        """Whether readers can see this article now (the in-memory twin of ``published()``)."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )


class ArticleSlugRedirect(models.Model):
    """A slug an article used to have; its old address answers 301 to the current one."""

    old_slug = models.SlugField(_("ancien slug"), max_length=200, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="slug_redirects", verbose_name=_("article")
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("ancienne adresse d'article")
        verbose_name_plural = _("anciennes adresses d'articles")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"


class Section(models.Model):
    """A part of an article, under its own heading (the opening section usually has none)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections", verbose_name=_("article"))
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Ordre dans l'article : 1, 2, 3…"))
    heading = models.CharField(
        _("intertitre"),
        max_length=255,
        blank=True,
        help_text=_("Ex. « Copilot impacté ? ». Vide pour la section d'ouverture."),
    )
    anchor = models.SlugField(
        _("ancre"),
        max_length=100,
        blank=True,
        help_text=_(
            "Identifiant stable de la section dans l'adresse (#copilot-impacte), créé à partir "
            "de l'intertitre et conservé ensuite."
        ),
    )
    body = models.TextField(_("texte"), blank=True, help_text=_("Un paragraphe par ligne."))

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["article", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="section_unique_position"),
            models.UniqueConstraint(
                fields=["article", "anchor"],
                condition=~Q(anchor=""),
                name="section_unique_anchor",
            ),
        ]

    def __str__(self):
        return self.heading or str(_("Ouverture"))

    def save(self, *args, **kwargs):
        # Browsers post textareas with CRLF line breaks: store one form of line break, so an
        # untouched section saved again is byte-identical and never reported as changed.
        self.body = self.body.replace("\r\n", "\n").replace("\r", "\n")
        # The anchor is made once, from the first heading, and never follows later edits of the
        # heading: links to "#copilot-impacte" shared by readers keep working.
        if self.heading and not self.anchor:
            others = Section.objects.filter(article_id=self.article_id).exclude(pk=self.pk)
            self.anchor = unique_slug(
                self.heading,
                lambda a: others.filter(anchor=a).exists(),
                max_length=100,
                fallback="section",
            )
        super().save(*args, **kwargs)

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if line.strip()]


class RelatedLink(models.Model):
    """One item of an article's "Pour aller plus loin" list.

    Internal (``target``: follows the article through retitling and slug changes), external
    (``url``, http or https only) or, while an editor completes it, neither: an unfinished link
    that is flagged in the admin and never shown to readers.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_links", verbose_name=_("article")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(
        _("titre"),
        max_length=255,
        blank=True,
        help_text=_("Ex. « Microsoft recrute l'équipe d'Inflection AI ». Vide : le titre de l'article lié."),
    )
    target = models.ForeignKey(
        Article,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_links",
        verbose_name=_("article de l'archive"),
        help_text=_("Lien interne : il suit l'article même si son titre ou son adresse change."),
    )
    url = HttpURLField(
        _("adresse externe"),
        max_length=500,
        blank=True,
        validators=[validate_http_url],
        help_text=_("Lien externe, ex. https://openai.com/blog"),
    )

    class Meta:
        verbose_name = _("lien « Pour aller plus loin »")
        verbose_name_plural = _("liens « Pour aller plus loin »")
        ordering = ["article", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="relatedlink_unique_position"),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(url=""),
                name="relatedlink_internal_or_external",
                violation_error_message=_("Un lien est interne ou externe, pas les deux."),
            ),
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="relatedlink_url_http_only",
                violation_error_message=_("Seules les adresses http:// et https:// sont acceptées."),
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | ~Q(target=F("article")),
                name="relatedlink_not_self",
                violation_error_message=_("Un article ne peut pas renvoyer vers lui-même."),
            ),
            models.CheckConstraint(
                condition=~Q(title="") | Q(target__isnull=False) | ~Q(url=""),
                name="relatedlink_not_empty",
                violation_error_message=_("Un lien a au moins un titre, une cible ou une adresse."),
            ),
        ]

    def __str__(self):
        # Shown where the admin lists what blocks a deletion: name the linking article.
        return f"{self.article.title} → {self.display_title}"

    def save(self, *args, **kwargs):
        # The admin form validates, but imports and scripts write here too: the scheme check
        # must hold whatever the caller. Lowercase the scheme so "HTTPS://" is not refused by
        # PostgreSQL's case-sensitive check while SQLite's LIKE would accept it.
        if self.url:
            self.url = normalise_url(self.url)
            validate_http_url(self.url)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.target_id and self.url:
            raise ValidationError(_("Choisissez un article de l'archive ou une adresse externe, pas les deux."))
        if not (self.title or self.target_id or self.url):
            raise ValidationError(_("Donnez au moins un titre au lien."))

    @property
    def is_internal(self) -> bool:
        return self.target_id is not None

    @property
    def is_external(self) -> bool:
        return bool(self.url)

    @property
    def is_unfinished(self) -> bool:
        return not self.is_internal and not self.is_external

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.target_id:
            return self.target.title
        return self.url

    @property
    def domain(self) -> str:
        host = urlsplit(self.url).hostname or ""
        return host.removeprefix("www.")

    @property
    def href(self) -> str:
        if self.target_id:
            return self.target.get_absolute_url()
        return self.url


def normalise_url(url: str) -> str:
    """Trim and lowercase the scheme of an URL: " HTTPS://Exemple.fr/A " -> "https://Exemple.fr/A"."""
    url = url.strip()
    scheme, sep, rest = url.partition(":")
    if sep and scheme.isascii() and scheme.isalpha():
        return f"{scheme.lower()}:{rest}"
    return url


# --- Search storage ---------------------------------------------------------------------------
# Owned by ``articles.search``; filled only by ``articles.search.index_articles`` and
# ``rebuild_index``. The two per-database tables are created by a migration on their own
# database only, hence ``managed = False``.


class SearchTerm(models.Model):
    """A word of the archive or of a company name: the vocabulary that typo suggestions draw on."""

    term = models.CharField(_("mot"), max_length=60, unique=True, help_text=_("Forme sans accents, ex. « evenement »."))
    display = models.CharField(
        _("forme affichée"),
        max_length=100,
        help_text=_("Forme proposée au lecteur, ex. « évènement » ou « Microsoft »"),
    )
    prefix = models.CharField(_("début"), max_length=3)
    suffix = models.CharField(_("fin"), max_length=3)
    length = models.PositiveSmallIntegerField(_("longueur"))
    frequency = models.PositiveIntegerField(
        _("fréquence"), default=1, help_text=_("Nombre d'articles contenant le mot, au dernier recalcul complet.")
    )
    is_company = models.BooleanField(_("nom d'entreprise"), default=False)

    class Meta:
        verbose_name = _("mot du vocabulaire de recherche")
        verbose_name_plural = _("vocabulaire de recherche")
        ordering = ["term"]
        indexes = [
            models.Index(fields=["prefix", "length"], name="searchterm_prefix_idx"),
            models.Index(fields=["suffix", "length"], name="searchterm_suffix_idx"),
        ]

    def __str__(self):
        return self.display


class SearchDocument(models.Model):
    """PostgreSQL backend: an article's weighted search vectors (table made on PostgreSQL only).

    ``document`` holds every field (title A, companies B, standfirst and headings C, body D)
    under a GIN index, for matching; ``head`` holds all but the body: small enough to stay in
    the row, it is what ranking reads. ``sort_key`` (``articles.search.documents.sort_key``)
    orders documents by publication date under a btree index.

    (On SQLite, the FTS5 table ``articles_search_fts`` and its ``articles_search_key`` map are
    read and written in SQL by ``articles.search.backends.sqlite`` only, with no model.)
    """

    article = models.OneToOneField(
        Article,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_constraint=False,
        related_name="search_document",
    )
    document = SearchVectorField()
    head = SearchVectorField()
    sort_key = models.BigIntegerField(unique=True)

    class Meta:
        managed = False
        db_table = "articles_searchdocument"

    def __str__(self):
        return f"search document {self.article_id}"


class ArchiveMonth(models.Model):
    """How many published articles a month holds (``articles.tallies`` keeps it up to date)."""

    month = models.DateField(_("mois"), unique=True)  # its first day, in the site's time zone
    count = models.PositiveIntegerField(_("articles"), default=0)

    class Meta:
        verbose_name = _("mois de l'archive")
        verbose_name_plural = _("mois de l'archive")

    def __str__(self):
        return f"{self.month:%Y-%m}: {self.count}"


class CompanyMonth(models.Model):
    """How many published articles about a company a month holds (``articles.tallies``)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("entreprise"))
    month = models.DateField(_("mois"))
    count = models.PositiveIntegerField(_("articles"), default=0)

    class Meta:
        verbose_name = _("mois d'une entreprise")
        verbose_name_plural = _("mois des entreprises")
        constraints = [models.UniqueConstraint(fields=["company", "month"], name="companymonth_unique")]

    def __str__(self):
        return f"{self.company_id} {self.month:%Y-%m}: {self.count}"


class TalliedArticle(models.Model):
    """Where a published article was last counted: its month and companies.

    When the article changes (date, status, companies) or is deleted, the months it was counted
    in are recounted too; no foreign key, so the row outlives a deleted article until then.
    """

    article_id = models.BigIntegerField(primary_key=True)
    month = models.DateField()
    company_ids = models.JSONField(default=list)

    class Meta:
        verbose_name = _("article compté")
        verbose_name_plural = _("articles comptés")

    def __str__(self):
        return f"{self.article_id} {self.month:%Y-%m}"
