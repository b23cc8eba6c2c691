from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from . import feeds, views
from .cache import public_page
from .sitemaps import SITEMAPS


class YearConverter:
    """Four-digit years from 1000 to 2999: no date arithmetic ever overflows (/archives/9999/)."""

    regex = "[12][0-9]{3}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class MonthConverter:
    """Two-digit months, 01 to 12."""

    regex = "0[1-9]|1[0-2]"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("entreprises/", views.company_list, name="company_list"),
    path("entreprises/<slug:slug>/", views.company_detail, name="company_detail"),
    path("entreprises/<slug:slug>/avec/<slug:other_slug>/", views.company_pair, name="company_pair"),
    path("entreprises/<slug:slug>/flux/", public_page(feeds.CompanyFeed(), params=()), name="company_feed_rss"),
    path(
        "entreprises/<slug:slug>/flux/atom/", public_page(feeds.CompanyAtomFeed(), params=()), name="company_feed_atom"
    ),
    path("archives/", views.archive_index, name="archive_index"),
    path("archives/<year:year>/", views.YearArchive.as_view(), name="archive_year"),
    path("archives/<year:year>/<month:month>/", views.MonthArchive.as_view(), name="archive_month"),
    path("flux/", public_page(feeds.LatestArticlesFeed(), params=()), name="feed_rss"),
    path("flux/atom/", public_page(feeds.LatestArticlesAtomFeed(), params=()), name="feed_atom"),
    path(
        "sitemap.xml",
        public_page(sitemap_views.index, params=()),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "articles:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        public_page(sitemap_views.sitemap, params=("p",)),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
