"""RSS and Atom feeds: the latest articles, and the latest articles about one company.

Public articles only (``published()``), their companies as categories, fetched in a constant
number of queries. The Atom classes reuse the RSS ones with another generator.

Everything editors type is plain text, but feed readers render some elements as HTML: RSS titles
and descriptions (RSS has no content types), Atom summaries (``type="html"``). Those get the text
HTML-escaped, so a title like "<script>" is shown, never run; Atom titles are typed as text and
stay as written.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .models import Article
from .views import company_or_redirect

FEED_SIZE = 30


class LatestArticlesFeed(Feed):
    language = "fr"

    def as_title(self, text: str) -> str:
        """A title as this format's readers expect it: HTML for RSS."""
        return escape(text)

    def title(self):
        return self.as_title(settings.SITE_NAME)

    def description(self):
        return escape("Les derniers articles de la rédaction.")

    def link(self):
        return reverse("articles:home")

    def feed_url(self):
        return reverse("articles:feed_rss")

    def articles(self, obj=None):
        return Article.objects.published().with_cards()

    def items(self, obj=None):
        return self.articles(obj)[:FEED_SIZE]

    def item_title(self, item):
        return self.as_title(item.title)

    def item_description(self, item):
        return escape(item.standfirst)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        return item.byline or None

    def item_categories(self, item):
        return [company.name for company in item.card_companies]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = "Les derniers articles de la rédaction."

    def as_title(self, text: str) -> str:
        return text

    def feed_url(self):
        return reverse("articles:feed_atom")


class CompanyFeed(LatestArticlesFeed):
    """The latest articles about one company; an old company address answers 301."""

    def __call__(self, request, *args, **kwargs):
        company = company_or_redirect(kwargs["slug"])
        if company.slug != kwargs["slug"]:
            return redirect(request.resolver_match.view_name, slug=company.slug, permanent=True)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, slug):
        return company_or_redirect(slug)

    def title(self, obj):
        return self.as_title(f"{obj.name} – {settings.SITE_NAME}")

    def description(self, obj):
        return escape(f"Les derniers articles de la rédaction sur {obj.name}.")

    def link(self, obj):
        return obj.get_absolute_url()

    def feed_url(self, obj):
        return reverse("articles:company_feed_rss", kwargs={"slug": obj.slug})

    def articles(self, obj=None):
        return super().articles().filter(companies=obj)


class CompanyAtomFeed(CompanyFeed):
    feed_type = Atom1Feed

    def as_title(self, text: str) -> str:
        return text

    def subtitle(self, obj):
        return f"Les derniers articles de la rédaction sur {obj.name}."

    def feed_url(self, obj):
        return reverse("articles:company_feed_atom", kwargs={"slug": obj.slug})
