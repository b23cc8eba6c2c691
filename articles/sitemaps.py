"""``/sitemap.xml``: every public article and company page, with their last-modified dates."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from .models import Article, Company


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Article.objects.published().order_by("-published_at", "-id")

    def lastmod(self, article):
        return max(article.updated_at, article.published_at)


class CompanySitemap(Sitemap):
    """Companies with at least one public article; their page changes with their latest article."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        public = Q(tagged_articles__content_object__in=Article.objects.published())
        return (
            Company.objects.annotate(latest=Max("tagged_articles__content_object__published_at", filter=public))
            .filter(latest__isnull=False)
            .order_by("name")
        )

    def lastmod(self, company):
        return company.latest


class PageSitemap(Sitemap):
    """The entry pages: home, the company index, the date archives."""

    changefreq = "daily"

    def items(self):
        return ["articles:home", "articles:company_list", "articles:archive_index"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "articles": ArticleSitemap, "companies": CompanySitemap}
