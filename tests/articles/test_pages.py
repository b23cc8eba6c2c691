"""The minimal public pages: home, article, company; what readers may and may not see."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import Article
from tests.factories import make_article, make_company, make_link

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    """Queries made to build ``url`` from scratch (the page cache is emptied first)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_home_query_count_does_not_grow_with_articles(client):
    """The home page costs the same number of queries with 1 article as with 50, tags included."""
    apple, google = make_company("Apple"), make_company("Google")
    make_article(companies=[apple, google])
    with_one = count_queries(client, reverse("articles:home"))
    for _ in range(49):
        make_article(companies=[apple, google])
    assert count_queries(client, reverse("articles:home")) == with_one


def test_home_lists_only_public_articles(client):
    """Drafts and scheduled articles are not on the home page."""
    make_article("Visible")
    make_article("Brouillon caché", status=Article.Status.DRAFT)
    html = client.get(reverse("articles:home")).content.decode()
    assert "Visible" in html and "Brouillon caché" not in html


def test_article_page_shows_everything(client):
    """The article page shows title, standfirst, byline, headed sections, companies and finished links only."""
    other = make_article("Un article lié", slug="lie")
    article = make_article(
        "Titre principal",
        standfirst="Un chapô.",
        byline="Léa Martin",
        sections=[("", "Ouverture."), ("Nouvelles ressources", "Corps.")],
        companies=["Mistral AI"],
    )
    make_link(article, position=1, target=other)
    make_link(article, position=2, title="Site officiel", url="https://mistral.ai/")
    make_link(article, position=3, title="Lien pas encore trouvé")
    html = client.get(article.get_absolute_url()).content.decode()
    for expected in [
        "Titre principal",
        "Un chapô.",
        "Léa Martin",
        "Nouvelles ressources",
        "/entreprises/mistral-ai/",
        "/articles/lie/",
        "mistral.ai",
    ]:
        assert expected in html
    assert "Lien pas encore trouvé" not in html


def test_text_is_escaped(client):
    """Markup typed in a title or a section is shown as text, never run."""
    article = make_article("<script>alert(1)</script>", sections=[("<b>gras</b>", "<img src=x onerror=alert(1)>")])
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_old_slug_answers_301_in_one_hop(client):
    """An old article address redirects permanently to the current one."""
    article = make_article(slug="v1")
    for new in ["v2", "v3"]:
        previous, article.slug = article.slug, new
        article.save()
        services.article_saved(article=article, previous_slug=previous)
    response = client.get("/articles/v1/")
    assert (response.status_code, response["Location"]) == (301, "/articles/v3/")


def test_old_slug_of_a_draft_is_a_404_for_readers(client):
    """The redirect does not reveal a draft: readers get a 404."""
    article = make_article(slug="v1", status=Article.Status.DRAFT)
    article.slug = "v2"
    article.save()
    services.article_saved(article=article, previous_slug="v1")
    assert client.get("/articles/v1/").status_code == 404


def test_company_page_and_merged_company_redirect(client):
    """A company page lists its public articles; a merged company's address answers 301."""
    microsoft = make_company("Microsoft")
    source = make_company("Microsoft Corporation")
    make_article("Sur Microsoft", companies=[source])
    services.company_merge(source=source, into=microsoft)
    response = client.get("/entreprises/microsoft-corporation/")
    assert (response.status_code, response["Location"]) == (301, "/entreprises/microsoft/")
    assert "Sur Microsoft" in client.get("/entreprises/microsoft/").content.decode()


def test_unknown_slugs_and_bad_pages_never_fail(client):
    """Unknown slugs give 404 and odd page numbers give a page, never a 500."""
    make_article()
    assert client.get("/articles/inconnu/").status_code == 404
    assert client.get("/entreprises/inconnue/").status_code == 404
    for page in ["abc", "-1", "999999", "1e9", "\x00"]:
        assert client.get(reverse("articles:home"), {"page": page}).status_code == 200
