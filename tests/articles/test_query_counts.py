"""Every public page costs the same number of queries with 1 item as with 50 (articles, companies, links)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_company, make_link

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# Every article of these tests falls in March 2025, so the month archive lists them all.
START = datetime(2025, 3, 1, 9, tzinfo=PARIS)


def count_queries(client, url) -> int:
    """Queries made to build ``url`` from scratch (the page cache is emptied first)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def add_articles(n: int, companies, *, offset: int = 0) -> list[Article]:
    articles = []
    for i in range(n):
        article = make_article(
            published_at=START + timedelta(hours=offset + i),
            sections=[("", "Ouverture."), (f"Partie {i}", "Texte.")],
            companies=companies,
        )
        make_link(article, position=1, title="Source", url="https://example.com/")
        articles.append(article)
    return articles


@pytest.mark.parametrize(
    "url",
    [
        reverse("articles:home"),
        reverse("articles:company_list"),
        reverse("articles:company_detail", kwargs={"slug": "apple"}),
        reverse("articles:company_pair", kwargs={"slug": "apple", "other_slug": "google"}),
        reverse("articles:archive_index"),
        reverse("articles:archive_year", kwargs={"year": 2025}),
        reverse("articles:archive_month", kwargs={"year": 2025, "month": 3}),
        reverse("articles:feed_rss"),
        reverse("articles:feed_atom"),
        reverse("articles:company_feed_rss", kwargs={"slug": "apple"}),
        reverse("articles:sitemap"),
        reverse("articles:sitemap_section", kwargs={"section": "articles"}),
        reverse("articles:sitemap_section", kwargs={"section": "companies"}),
    ],
)
def test_list_pages_cost_the_same_with_1_and_50_articles(client, url):
    """A list page's query count does not grow from 1 article to 50, each with two companies."""
    companies = [make_company("Apple"), make_company("Google")]
    add_articles(1, companies)
    with_one = count_queries(client, url)
    add_articles(49, companies, offset=1)
    assert count_queries(client, url) == with_one


def test_company_list_costs_the_same_with_1_and_50_companies(client):
    """The company index costs the same with 1 company as with 50."""
    make_article(companies=[make_company("Entreprise 0")], published_at=START)
    with_one = count_queries(client, reverse("articles:company_list"))
    companies = [make_company(f"Entreprise {i}") for i in range(1, 50)]
    make_article(companies=companies, published_at=START)
    assert count_queries(client, reverse("articles:company_list")) == with_one


def test_company_page_costs_the_same_with_1_and_50_co_cited_companies_and_months(client):
    """A company page costs the same with 1 co-cited company and month as with 50 of each."""
    apple = make_company("Apple")
    make_article(companies=[apple, make_company("Autre 0")], published_at=START)
    with_one = count_queries(client, apple.get_absolute_url())
    for i in range(1, 50):
        make_article(companies=[apple, make_company(f"Autre {i}")], published_at=START - timedelta(days=31 * i))
    assert count_queries(client, apple.get_absolute_url()) == with_one


def test_article_page_costs_the_same_with_1_and_50_sections_companies_and_links(client):
    """An article page costs the same with 1 section, company, link and related article as with 50 of each."""

    def build(n: int, slug: str) -> Article:
        companies = [make_company(f"{slug} entreprise {i}") for i in range(n)]
        article = make_article(
            slug=slug,
            sections=[(f"Intertitre {i}", "Un paragraphe.\nUn autre.") for i in range(n)],
            companies=companies,
        )
        for i in range(n):
            target = make_article(companies=[companies[i]])
            make_link(article, position=2 * i + 1, target=target)
            make_link(article, position=2 * i + 2, title=f"Externe {i}", url=f"https://example.com/{i}")
        return article

    small, large = build(1, "petit"), build(50, "grand")
    assert count_queries(client, large.get_absolute_url()) == count_queries(client, small.get_absolute_url())
