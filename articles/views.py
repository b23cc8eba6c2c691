"""Public pages. Thin: each view picks a QuerySet and a template; rules live on the models.

Every page here is cached (``articles.cache.public_page``): readers get a stored copy with an
ETag until an article changes; editors, recognised by their session cookie, always get a fresh
page (they preview drafts at the public address). Lists are fetched with their companies in a
constant number of queries whatever their length.
"""

import math
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views.generic import DetailView, MonthArchiveView, YearArchiveView

from . import tallies
from .cache import page_number, public_page, reader_user
from .charts import monthly_chart
from .models import Article, ArticleSlugRedirect, Company, CompanySlugRedirect, RelatedLink, most_cited_among
from .search.text import unaccent

PAGE_SIZE = 20
# Lists count (and page through) at most this many articles; see CappedPaginator.
LIST_CAP = 1000
# "Companies most covered lately": those most cited in the latest articles.
RECENT_ARTICLES = 100
TOP_COMPANIES = 12
MORE_ON_PER_COMPANY = 3
CO_CITED = 10
WORDS_PER_MINUTE = 230
# Where the company index files names that do not start with a letter ("3M", "42").
OTHER_INITIAL = "0–9"
# An edit this soon after publication (a typo fixed at once) is not announced as an update.
UPDATE_GRACE = timedelta(minutes=10)


class CappedPaginator(Paginator):
    """A paginator that counts at most ``LIST_CAP`` items.

    An exact count reads every row of the list: the whole archive for the home page, a tenth
    of it for a popular company, so the page would slow down as the archive grows. Counting
    stops at ``LIST_CAP`` (``capped`` says it did; templates then say "plus de"); pages stop
    there too, and older articles are reached through the date archives.

    ``counted``: the list's length up to ``LIST_CAP + 1``, when the caller has it already (no
    count query then).
    """

    def __init__(self, object_list, per_page, *args, counted: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if counted is not None:
            self._counted = min(counted, LIST_CAP + 1)

    @cached_property
    def _counted(self) -> int:
        return self.object_list[: LIST_CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, LIST_CAP)

    @property
    def capped(self) -> bool:
        return self._counted > LIST_CAP


def paginate(request, queryset, per_page=PAGE_SIZE, *, counted: int | None = None):
    """The requested page; a missing or malformed number gives the first page, too large the last.

    Malformed means anything the page cache does not key on (``articles.cache.page_number``).
    ``counted``: see ``CappedPaginator``.
    """
    paginator = CappedPaginator(queryset, per_page, counted=counted)
    return paginator.get_page(page_number(request.GET.get("page")) or 1)


def company_or_redirect(slug: str):
    """The company at ``slug``, or the one it was renamed or merged into (callers then answer 301)."""
    company = Company.objects.filter(slug=slug).first()
    if company is not None:
        return company
    moved = CompanySlugRedirect.objects.filter(old_slug=slug).select_related("company").first()
    if moved is None:
        raise Http404("Entreprise inconnue")
    return moved.company


@public_page
def home(request):
    page = paginate(request, Article.objects.published().with_cards())
    recent = Article.objects.published().order_by("-published_at", "-id")[:RECENT_ARTICLES]
    return render(
        request,
        "articles/home.html",
        {
            "page_obj": page,
            "articles": page.object_list,
            "top_companies": recent.most_cited_companies(limit=TOP_COMPANIES),
        },
    )


@method_decorator(public_page(params=()), name="dispatch")
class ArticleDetailView(DetailView):
    """An article; editors also preview drafts here. Old slugs answer 301 to the current one."""

    template_name = "articles/article_detail.html"

    def get_queryset(self):
        links = RelatedLink.objects.select_related("target").order_by("position", "id")
        return Article.objects.visible_to(reader_user(self.request)).prefetch_related(
            "sections", "companies", Prefetch("related_links", queryset=links)
        )

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = ArticleSlugRedirect.objects.filter(old_slug=self.kwargs["slug"]).first()
            if moved is None or not self.get_queryset().filter(pk=moved.article_id).exists():
                raise
            return redirect(moved.article, permanent=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        sections = list(article.sections.all())
        companies = list(article.companies.all())
        links = [link for link in article.related_links.all() if link.is_external or self.link_is_public(link)]
        words = len(article.standfirst.split()) + sum(len(p.split()) for s in sections for p in s.paragraphs)
        context.update(
            sections=sections,
            companies=companies,
            toc=[section for section in sections if section.heading and section.anchor],
            reading_minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)),
            updated_at=self.shown_update(article),
            links=links,
            more_on=more_on(article, companies, exclude=[link.target_id for link in links if link.is_internal]),
            json_ld=self.json_ld(article, companies),
        )
        return context

    @staticmethod
    def link_is_public(link: RelatedLink) -> bool:
        # An internal link to a draft or a scheduled article would reveal it: left out until it is public.
        return link.is_internal and link.target.is_public

    @staticmethod
    def shown_update(article):
        """When to announce "mis à jour le": an edit made well after publication.

        An article imported or written after its (backdated) publication date was not updated
        by its last save: the edit must also come well after its creation.
        """
        if article.published_at is None:
            return None
        if article.updated_at - max(article.published_at, article.created_at) > UPDATE_GRACE:
            return article.updated_at
        return None

    def json_ld(self, article, companies) -> dict:
        """The schema.org NewsArticle search engines read (rendered by the ``json_ld`` filter)."""
        url = self.request.build_absolute_uri(article.get_absolute_url())
        site = {"@type": "Organization", "name": settings.SITE_NAME}
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "url": url,
            "mainEntityOfPage": url,
            "inLanguage": "fr",
            "publisher": site,
            "author": {"@type": "Person", "name": article.byline} if article.byline else site,
            "about": [
                {"@type": "Organization", "name": company.name, "url": company.website}
                if company.website
                else {"@type": "Organization", "name": company.name}
                for company in companies
            ],
        }
        if article.standfirst:
            data["description"] = article.standfirst
        if article.published_at:
            data["datePublished"] = timezone.localtime(article.published_at).isoformat()
            data["dateModified"] = timezone.localtime(max(article.updated_at, article.published_at)).isoformat()
        return data


def more_on(article, companies, *, exclude=(), per_company=MORE_ON_PER_COMPANY):
    """For each company of ``article``, its latest other public articles: [(company, [articles])].

    Articles whose ids are in ``exclude`` (already in "Pour aller plus loin") are left out.

    One query whatever the number of companies, three on SQLite (``ArticleQuerySet.latest_per_company``).
    """
    latest = Article.objects.published().exclude(pk=article.pk).latest_per_company(companies, per_company=per_company)
    # An article about several of these companies is listed once, under the first of them.
    shown, blocks = set(exclude), []
    for company in companies:
        others = [other for other in latest.get(company.pk, []) if other.pk not in shown]
        shown.update(other.pk for other in others)
        if others:
            blocks.append((company, others))
    return blocks


@public_page(params=())
def company_list(request):
    """Every company with published articles, A to Z, grouped by initial."""
    companies = Company.objects.with_public_coverage()
    groups = defaultdict(list)
    # French alphabetical order: accents and case ignored ("Élysée" between "Dell" and "Fnac").
    for company in sorted(companies, key=lambda c: unaccent(c.name)):
        groups[initial(company.name)].append(company)
    letters = sorted(groups, key=lambda letter: (letter == OTHER_INITIAL, letter))
    return render(
        request,
        "articles/company_list.html",
        {
            "groups": [
                {
                    "letter": letter,
                    "anchor": f"Lettre-{letter if letter.isalpha() else 'autres'}",
                    "companies": groups[letter],
                }
                for letter in letters
            ]
        },
    )


def initial(name: str) -> str:
    first = unaccent(name)[:1].upper()
    return first if "A" <= first <= "Z" else OTHER_INITIAL


@public_page
def company_detail(request, slug):
    company = company_or_redirect(slug)
    if company.slug != slug:
        return redirect(company, permanent=True)
    months = tallies.monthly_counts(company=company)
    # How SQLite should read the company's articles (see ArticleQuerySet.about).
    newest_first = tallies.is_widely_cited(sum(months.values()), cap=LIST_CAP)
    articles = Article.objects.published().about(company, newest_first=newest_first)
    # The latest LIST_CAP + 1 ids count the list (capped), give the page its articles and the
    # co-cited companies: one walk down the company's articles instead of three (5 ms each
    # for the most cited company at 100,000 articles, and an OFFSET walk for deep pages).
    latest = list(articles.order_by("-published_at", "-id").values_list("pk", flat=True)[: LIST_CAP + 1])
    page = paginate(request, latest[:LIST_CAP], counted=len(latest))
    # Still published() in case one was withdrawn meanwhile.
    page.object_list = Article.objects.published().with_cards().in_order(page.object_list)
    return render(
        request,
        "articles/company_detail.html",
        {
            "company": company,
            "page_obj": page,
            "articles": page.object_list,
            "chart": monthly_chart(months) if page.number == 1 else None,
            # Over its latest LIST_CAP articles: bounded however much the company is covered.
            "co_cited": most_cited_among(latest[:LIST_CAP], limit=CO_CITED, exclude=company),
        },
    )


@public_page
def company_pair(request, slug, other_slug):
    """The articles about two companies at once (linked from "often cited with")."""
    company, other = company_or_redirect(slug), company_or_redirect(other_slug)
    if company == other:
        return redirect(company, permanent=True)
    if (company.slug, other.slug) != (slug, other_slug):
        return redirect("articles:company_pair", slug=company.slug, other_slug=other.slug, permanent=True)
    articles = Article.objects.published().filter(companies=company).filter(companies=other).with_cards()
    page = paginate(request, articles)
    return render(
        request,
        "articles/company_pair.html",
        {"company": company, "other": other, "page_obj": page, "articles": page.object_list},
    )


@public_page(params=())
def archive_index(request):
    """Every month with published articles, newest first, grouped by year."""
    years = defaultdict(list)
    for month, count in sorted(tallies.monthly_counts().items(), reverse=True):
        years[month.year].append((month, count))
    return render(request, "articles/archive_index.html", {"years": sorted(years.items(), reverse=True)})


class ArchiveMixin:
    """Django's date views on public articles only; unknown or empty periods are 404s."""

    date_field = "published_at"
    allow_empty = False
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Article.objects.published().with_cards()

    def paginate_queryset(self, queryset, page_size):
        """Like Django's, except that a malformed page number gives page 1 (as the cache key does)."""
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=self.get_allow_empty())
        number = page_number(self.request.GET.get(self.page_kwarg)) or 1
        try:
            page = paginator.page(paginator.num_pages if number == "last" else number)
        except InvalidPage as error:
            raise Http404(f"Page {number} introuvable") from error
        return paginator, page, page.object_list, page.has_other_pages()


@method_decorator(public_page, name="dispatch")
class YearArchive(ArchiveMixin, YearArchiveView):
    template_name = "articles/archive_year.html"
    make_object_list = True
    # A year of a large archive holds tens of thousands of articles; its months, linked from
    # the page, are counted and paged exactly.
    paginator_class = CappedPaginator

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """The year's months with public articles, from the monthly tallies: Django's own list
        reads every article of the year (``DISTINCT`` over 50,000 rows at a million)."""
        months = sorted(tallies.monthly_counts(year=int(self.get_year())), reverse=ordering == "DESC")
        if not months and not self.get_allow_empty():
            raise Http404(f"Aucun article en {self.get_year()}")
        return months


@method_decorator(public_page, name="dispatch")
class MonthArchive(ArchiveMixin, MonthArchiveView):
    template_name = "articles/archive_month.html"
    month_format = "%m"

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """No list of days: the page does not show one (Django's list reads every article of
        the month). An empty month is already a 404: ``allow_empty`` is False, and Django's
        ``get_dated_queryset`` checks before this is called."""
        return []


@public_page(params=())
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")
