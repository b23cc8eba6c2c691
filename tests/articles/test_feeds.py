"""RSS and Atom feeds, the sitemap and robots.txt: valid XML listing public articles only."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.factories import make_article, make_company

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def archive():
    openai, apple = make_company("OpenAI"), make_company("Apple")
    return {
        "public": make_article("Public & <sûr>", standfirst="Le chapô.", byline="Léa Martin", companies=[openai]),
        "apple": make_article("Sur Apple", companies=[apple]),
        "draft": make_article("Brouillon", status=Article.Status.DRAFT, companies=[openai]),
        "scheduled": make_article("Programmé", published_at=timezone.now() + timedelta(days=1), companies=[openai]),
    }


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, ET.fromstring(response.content)


def test_rss_feed_lists_public_articles_with_companies(client, archive):
    """The RSS feed parses as XML and lists public articles only, with their dates, authors and companies."""
    response, root = parse(client, reverse("articles:feed_rss"))
    assert response["Content-Type"].startswith("application/rss+xml")
    items = root.findall("./channel/item")
    # RSS readers render titles as HTML: the text goes in escaped, and comes out as typed.
    assert sorted(item.findtext("title") for item in items) == ["Public &amp; &lt;sûr&gt;", "Sur Apple"]
    public = next(item for item in items if item.findtext("title") == "Public &amp; &lt;sûr&gt;")
    assert public.findtext("link") == "http://testserver/articles/" + archive["public"].slug + "/"
    assert public.findtext("description") == "Le chapô."
    assert public.findtext("pubDate")
    assert [c.text for c in public.findall("category")] == ["OpenAI"]


def test_atom_feed_lists_public_articles(client, archive):
    """The Atom feed parses as XML and lists public articles only, with their author."""
    response, root = parse(client, reverse("articles:feed_atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = root.findall(f"{ATOM}entry")
    assert sorted(e.findtext(f"{ATOM}title") for e in entries) == ["Public & <sûr>", "Sur Apple"]
    assert "Léa Martin" in [e.findtext(f"{ATOM}author/{ATOM}name") for e in entries]
    assert all(e.findtext(f"{ATOM}updated") for e in entries)


def test_company_feeds_list_only_that_companys_public_articles(client, archive):
    """A company's RSS and Atom feeds list its public articles only."""
    _, rss = parse(client, reverse("articles:company_feed_rss", kwargs={"slug": "openai"}))
    assert [item.findtext("title") for item in rss.findall("./channel/item")] == ["Public &amp; &lt;sûr&gt;"]
    assert "OpenAI" in rss.findtext("./channel/title")
    _, atom = parse(client, reverse("articles:company_feed_atom", kwargs={"slug": "openai"}))
    assert [e.findtext(f"{ATOM}title") for e in atom.findall(f"{ATOM}entry")] == ["Public & <sûr>"]


def test_company_feed_of_a_merged_company_answers_301(client, archive):
    """The feed address of a company merged into another redirects to the target's feed; unknown is 404."""
    source = make_company("Open AI Inc")
    services.company_merge(source=source, into=archive["public"].companies.get())
    response = client.get("/entreprises/open-ai-inc/flux/")
    assert (response.status_code, response["Location"]) == (301, "/entreprises/openai/flux/")
    assert client.get("/entreprises/inconnue/flux/").status_code == 404


def sitemap_entries(client) -> dict[str, str]:
    """Every address of every sitemap the index lists, with its lastmod."""
    _, index = parse(client, reverse("articles:sitemap"))
    assert index.tag == f"{SITEMAP}sitemapindex"
    entries = {}
    for sitemap in index.findall(f"{SITEMAP}sitemap"):
        location = sitemap.findtext(f"{SITEMAP}loc").removeprefix("http://testserver")
        _, urlset = parse(client, location)
        entries.update({url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urlset})
    return entries


def test_sitemap_lists_public_articles_and_companies_with_lastmod(client, archive):
    """The sitemap index and its sitemaps parse as XML and list public articles and companies with a lastmod."""
    entries = sitemap_entries(client)
    assert f"http://testserver{archive['public'].get_absolute_url()}" in entries
    assert f"http://testserver{archive['apple'].get_absolute_url()}" in entries
    assert "http://testserver/entreprises/openai/" in entries
    assert "http://testserver/" in entries
    assert not any(archive[name].slug in loc for name in ("draft", "scheduled") for loc in entries)
    assert entries[f"http://testserver{archive['public'].get_absolute_url()}"]
    assert entries["http://testserver/entreprises/openai/"]


def test_sitemap_index_splits_large_sections_into_pages(client, monkeypatch):
    """A section longer than its page size is listed in the index once per page (?p=2...)."""
    from articles.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    for _ in range(5):
        make_article()
    _, index = parse(client, reverse("articles:sitemap"))
    locations = [sitemap.findtext(f"{SITEMAP}loc") for sitemap in index]
    assert "http://testserver/sitemap-articles.xml?p=3" in locations
    _, page = parse(client, "/sitemap-articles.xml?p=3")
    assert len(page) == 1


def test_company_with_only_drafts_is_not_in_the_sitemap(client):
    """A company whose articles are all drafts is left out of the sitemap."""
    make_article(status=Article.Status.DRAFT, companies=["Secrète"])
    make_article(companies=["Publique"])
    entries = sitemap_entries(client)
    assert "http://testserver/entreprises/publique/" in entries
    assert "http://testserver/entreprises/secrete/" not in entries


def test_robots_txt_points_to_the_sitemap(client):
    """robots.txt is plain text, keeps crawlers out of the admin and names the sitemap."""
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert client.get("/sitemap.xml").status_code == 200


def test_feed_text_that_readers_render_as_html_is_escaped(client):
    """Titles (RSS) and standfirsts (RSS descriptions, Atom html summaries) are escaped, Atom titles stay text."""
    make_article("Titre <i>x</i>", standfirst="Un <script>alert(1)</script> chapô")
    _, rss = parse(client, reverse("articles:feed_rss"))
    item = rss.find("./channel/item")
    assert item.findtext("title") == "Titre &lt;i&gt;x&lt;/i&gt;"
    assert item.findtext("description") == "Un &lt;script&gt;alert(1)&lt;/script&gt; chapô"
    _, atom = parse(client, reverse("articles:feed_atom"))
    entry = atom.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Titre <i>x</i>"
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html" and summary.text == "Un &lt;script&gt;alert(1)&lt;/script&gt; chapô"
