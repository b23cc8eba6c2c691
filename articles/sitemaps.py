"""The sitemap: an index at ``/sitemap.xml`` and one sitemap per section, with last-modified dates.

Public articles and companies only. Each section is split in pages of ``limit`` addresses that the
index lists, so the archive can grow past the protocol's 50,000 addresses per file; the index's
dates come from one aggregate query per section, not from walking every item.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Article, Company


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Article.objects.published().order_by("-published_at", "-id")

    def lastmod(self, article):
        return max(article.updated_at, article.published_at)

    def get_latest_lastmod(self):
        latest = Article.objects.published().aggregate(updated=Max("updated_at"), published=Max("published_at"))
        return max(filter(None, latest.values()), default=None)


class CompanySitemap(Sitemap):
    """Companies with at least one public article; their page changes with their latest article."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Company.objects.with_public_coverage().order_by("name")

    def lastmod(self, company):
        return company.latest_published_at

    def get_latest_lastmod(self):
        return (
            Article.objects.published().filter(companies__isnull=False).aggregate(latest=Max("published_at"))["latest"]
        )


class PageSitemap(Sitemap):
    """The entry pages: home, the company index, the date archives."""

    changefreq = "daily"

    def items(self):
        return ["articles:home", "articles:company_list", "articles:archive_index"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "articles": ArticleSitemap, "companies": CompanySitemap}
