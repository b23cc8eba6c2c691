"""The public pages: home, article, companies, errors; what readers may and may not see."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

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


# --- Home -------------------------------------------------------------------------------------


def test_home_is_paginated_and_a_bad_page_gives_a_page(client):
    """The home page shows 20 articles a page, newest first; page 2 holds the rest."""
    for day in range(25):
        make_article(f"Article du jour {day:02d}", published_at=timezone.now() - timedelta(days=day + 1))
    first = client.get(reverse("articles:home")).content.decode()
    second = client.get(reverse("articles:home"), {"page": 2}).content.decode()
    assert "Article du jour 00" in first and "Article du jour 19" in first and "Article du jour 20" not in first
    assert "Article du jour 24" in second and "Article du jour 00" not in second
    assert 'rel="next" href="?page=2"' in first
    assert '<link rel="canonical" href="http://testserver/?page=2">' in second


def test_home_lists_companies_most_covered_lately(client):
    """The home page ranks the companies most cited in recent articles, with their counts, drafts left out."""
    apple, google = make_company("Apple"), make_company("Google")
    for _ in range(3):
        make_article(companies=[apple])
    make_article(companies=[google])
    for _ in range(5):
        make_article(status=Article.Status.DRAFT, companies=[google])
    html = client.get(reverse("articles:home")).content.decode()
    assert "Les entreprises les plus suivies" in html
    assert html.index("/entreprises/apple/") < html.index("/entreprises/google/")
    assert "3 articles" in html and "1 article<" in html


# --- Article ----------------------------------------------------------------------------------


def test_article_dates_are_in_french_with_update_and_reading_time(client):
    """Publication date in French, "mis à jour le" after a later edit, and a reading time."""
    published = datetime(2026, 11, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    with time_machine.travel(published - timedelta(days=1), tick=False):
        article = make_article(sections=[("", " ".join(["mot"] * 700))], published_at=published)
    with time_machine.travel(published + timedelta(days=25, hours=5, minutes=30), tick=False):
        article.standfirst = "Corrigé."
        article.save()
        html = client.get(article.get_absolute_url()).content.decode()
    assert "1er novembre 2026" in html
    assert "mis à jour le" in html and "26 novembre 2026 à 14 h 30" in html
    assert "4 min de lecture" in html


def test_article_not_edited_since_publication_has_no_update_line(client):
    """An article imported with a past publication date and not edited since shows no "mis à jour"."""
    article = make_article(published_at=timezone.now() - timedelta(days=300))
    assert "mis à jour" not in client.get(article.get_absolute_url()).content.decode()


def test_article_table_of_contents_links_to_section_anchors(client):
    """The table of contents lists the headed sections and links to their anchors."""
    article = make_article(sections=[("", "Ouverture."), ("Copilot impacté ?", "Texte."), ("Et après", "Suite.")])
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'href="#copilot-impacte"' in html and 'id="copilot-impacte"' in html
    assert 'href="#et-apres"' in html and 'id="et-apres"' in html
    assert html.count("<h1") == 1


def test_related_links_show_dates_domains_and_hide_drafts(client):
    """Internal links show their date, external ones their domain; links to drafts and unfinished ones are hidden."""
    target = make_article("Cible publique", published_at=datetime(2024, 3, 20, 10, tzinfo=ZoneInfo("Europe/Paris")))
    draft = make_article("Cible brouillon", status=Article.Status.DRAFT)
    article = make_article("Principal")
    make_link(article, position=1, target=target)
    make_link(article, position=2, target=draft)
    make_link(article, position=3, title="Le blog", url="https://www.example.org/blog")
    make_link(article, position=4, title="À trouver")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Cible publique" in html and "20 mars 2024" in html
    assert "example.org" in html and "www.example.org<" not in html
    assert "Cible brouillon" not in html and "À trouver" not in html


def test_more_on_lists_other_public_articles_sharing_a_company(client):
    """ "Plus sur" lists the latest other public articles about the article's companies, never drafts."""
    openai = make_company("OpenAI")
    article = make_article("Le principal", companies=[openai])
    make_article("Autre article public", companies=[openai])
    make_article("Brouillon sur OpenAI", status=Article.Status.DRAFT, companies=[openai])
    make_article("Sans rapport")
    html = client.get(article.get_absolute_url()).content.decode()
    more = html[html.index("Sur le même sujet") :]
    assert "Plus sur" in more and "Autre article public" in more
    assert "Brouillon sur OpenAI" not in html and "Sans rapport" not in more
    assert more.count("Le principal") == 0


def test_article_meta_tags_and_json_ld(client):
    """The article page has its canonical URL, description, OpenGraph tags and a NewsArticle JSON-LD."""
    article = make_article(
        "Titre </script><script>alert(1)</script>",
        slug="titre",
        standfirst="Un chapô & des <balises>.",
        byline="Léa Martin",
        companies=["Mistral AI", "Nvidia"],
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="http://testserver/articles/titre/">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="description" content="Un chapô &amp; des &lt;balises&gt;.">' in html
    raw = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json.loads(raw)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["author"] == {"@type": "Person", "name": "Léa Martin"}
    assert {company["name"] for company in data["about"]} == {"Mistral AI", "Nvidia"}
    assert data["datePublished"].startswith(timezone.localtime(article.published_at).date().isoformat())
    assert "dateModified" in data


def test_every_page_has_canonical_description_and_opengraph(client):
    """Home, company index, company, pair and archive pages all carry canonical, description and og tags."""
    apple, google = make_company("Apple"), make_company("Google")
    article = make_article(companies=[apple, google])
    when = timezone.localtime(article.published_at)
    for url in [
        reverse("articles:home"),
        reverse("articles:company_list"),
        apple.get_absolute_url(),
        reverse("articles:company_pair", kwargs={"slug": "apple", "other_slug": "google"}),
        reverse("articles:archive_index"),
        reverse("articles:archive_year", kwargs={"year": when.year}),
        reverse("articles:archive_month", kwargs={"year": when.year, "month": when.month}),
    ]:
        html = client.get(url).content.decode()
        assert f'<link rel="canonical" href="http://testserver{url}">' in html, url
        assert '<meta name="description" content="' in html, url
        assert '<meta property="og:title"' in html and '<meta property="og:url"' in html, url
        assert html.count("<h1") == 1, url
        assert 'lang="fr"' in html and 'href="#Contenu"' in html, url


# --- Companies --------------------------------------------------------------------------------


def test_company_list_is_alphabetical_with_public_counts(client):
    """The company index is A to Z ignoring accents and case, with counts of public articles only."""
    elysee, dell, fnac = make_company("Élysée Tech"), make_company("dell"), make_company("Fnac")
    hidden = make_company("Que des brouillons")
    make_article(companies=[elysee, dell])
    make_article(companies=[elysee])
    make_article(companies=[fnac])
    make_article(status=Article.Status.DRAFT, companies=[elysee, hidden])
    html = client.get(reverse("articles:company_list")).content.decode()
    assert html.index(">dell<") < html.index(">Élysée Tech<") < html.index(">Fnac<")
    assert 'Élysée Tech</a> <span class="count">2 articles' in html
    assert "Que des brouillons" not in html
    assert 'href="#Lettre-E"' in html


def test_company_page_shows_description_website_chart_and_co_cited(client):
    """A company page has description, website, articles newest first, an accessible chart, co-cited companies."""
    openai = make_company("OpenAI", description="Le concepteur de ChatGPT.", website="https://openai.com/")
    microsoft = make_company("Microsoft")
    paris = ZoneInfo("Europe/Paris")
    make_article("Ancien", published_at=datetime(2024, 1, 10, tzinfo=paris), companies=[openai, microsoft])
    make_article("Récent", published_at=datetime(2024, 6, 10, tzinfo=paris), companies=[openai])
    make_article("Brouillon", status=Article.Status.DRAFT, companies=[openai])
    html = client.get(openai.get_absolute_url()).content.decode()
    assert "Le concepteur de ChatGPT." in html and 'href="https://openai.com/"' in html
    assert html.index("Récent") < html.index("Ancien") and "Brouillon" not in html
    assert 'role="img"' in html and "<title" in html and "<desc" in html
    assert html.count("<rect") == 2  # January and June 2024, the empty months between have no bar
    assert "Janvier 2024" in html and "Juin 2024" in html
    assert 'href="/entreprises/openai/avec/microsoft/"' in html


def test_company_pair_page_lists_articles_about_both(client):
    """/entreprises/<a>/avec/<b>/ lists the public articles about both companies only."""
    apple, google = make_company("Apple"), make_company("Google")
    make_article("Les deux", companies=[apple, google])
    make_article("Seulement Apple", companies=[apple])
    make_article("Brouillon des deux", status=Article.Status.DRAFT, companies=[apple, google])
    html = client.get("/entreprises/apple/avec/google/").content.decode()
    assert "Les deux" in html and "Seulement Apple" not in html and "Brouillon des deux" not in html


def test_company_pair_follows_renamed_companies_and_refuses_unknown(client):
    """A pair address with an old company slug answers 301; an unknown company is a 404."""
    apple, google = make_company("Apple"), make_company("Alphabet")
    make_article(companies=[apple, google])
    previous, google.slug = google.slug, "google"
    google.save()
    services.company_record_slug(company=google, previous_slug=previous)
    response = client.get("/entreprises/apple/avec/alphabet/")
    assert (response.status_code, response["Location"]) == (301, "/entreprises/apple/avec/google/")
    assert client.get("/entreprises/apple/avec/inconnue/").status_code == 404
    assert client.get("/entreprises/apple/avec/apple/").status_code == 301


def test_renamed_company_answers_301_in_one_hop(client):
    """A company renamed twice: both old addresses answer 301 straight to the current one."""
    company = make_company("Facebook")
    make_article(companies=[company])
    for new in ["meta-platforms", "meta"]:
        previous, company.slug = company.slug, new
        company.save()
        services.company_record_slug(company=company, previous_slug=previous)
    for old in ["facebook", "meta-platforms"]:
        response = client.get(f"/entreprises/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/entreprises/meta/")
    assert client.get("/entreprises/meta/").status_code == 200


# --- Errors -----------------------------------------------------------------------------------


def test_404_page_is_french_and_in_the_site_design(client):
    """An unknown address shows the French 404 page with the site's navigation."""
    response = client.get("/articles/nexiste-pas/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Cette page est introuvable" in html and 'class="site-header"' in html and 'lang="fr"' in html


def test_500_page_renders_without_context_or_database(django_assert_num_queries):
    """The 500 template renders from an empty context without touching the database."""
    from django.template.loader import get_template

    with django_assert_num_queries(0):
        html = get_template("500.html").render({})
    assert "Un problème est survenu" in html and 'lang="fr"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/?page=0",
        "/?page=%00",
        "/?page=" + "9" * 400,
        "/?page=1&page=x",
        "/entreprises/?x=%ff",
        "/entreprises/apple/?page=-3",
        "/entreprises/apple/avec/google/?page=abc",
        "/archives/2024/?page=abc",
        "/archives/0000/",
        "/archives/9999/",
        "/archives/2024/13/",
        "/archives/2024/00/",
        "/archives/1999/",
        "/articles/%C3%A9t%C3%A9/",
        "/entreprises/apple/flux/?page=2",
        "/sitemap.xml?p=abc",
        "/sitemap-articles.xml?p=abc",
        "/sitemap-articles.xml?p=99",
        "/sitemap-inconnu.xml",
    ],
)
def test_odd_addresses_never_fail(client, url):
    """Odd page numbers, impossible dates and unknown slugs give a page or a 404, never a 500."""
    apple, google = make_company("Apple"), make_company("Google")
    make_article(companies=[apple, google], published_at=datetime(2024, 5, 1, tzinfo=ZoneInfo("Europe/Paris")))
    assert client.get(url).status_code in (200, 404)


def test_public_pages_never_query_sessions_or_users(client):
    """A reader without a session cookie costs no session or user query on any public page."""
    apple = make_company("Apple")
    article = make_article(companies=[apple])
    when = timezone.localtime(article.published_at)
    urls = [
        reverse("articles:home"),
        article.get_absolute_url(),
        "/articles/inconnu/",
        reverse("articles:company_list"),
        apple.get_absolute_url(),
        reverse("articles:archive_month", kwargs={"year": when.year, "month": when.month}),
        reverse("articles:feed_rss"),
        reverse("articles:sitemap"),
    ]
    with CaptureQueriesContext(connection) as queries:
        for url in urls:
            client.get(url)
    sql = " ".join(query["sql"] for query in queries).lower()
    assert "django_session" not in sql and "auth_user" not in sql


def test_more_on_keeps_the_latest_three_per_company_and_lists_an_article_once():
    """ "Plus sur" keeps each company's three latest other public articles, an article under its first company only."""
    from articles.views import more_on

    openai, microsoft = make_company("OpenAI"), make_company("Microsoft")
    now = timezone.now()
    article = make_article("Le principal", published_at=now - timedelta(hours=1), companies=[openai, microsoft])
    both = make_article("Les deux", published_at=now - timedelta(days=1), companies=[openai, microsoft])
    on_openai = [make_article(published_at=now - timedelta(days=d), companies=[openai]) for d in (2, 3, 4)]
    make_article("Programmé", published_at=now + timedelta(days=1), companies=[openai, microsoft])
    on_microsoft = [make_article(published_at=now - timedelta(days=d), companies=[microsoft]) for d in (5, 6, 7)]
    blocks = more_on(article, [openai, microsoft])
    assert [(company, [other.pk for other in others]) for company, others in blocks] == [
        (openai, [both.pk, on_openai[0].pk, on_openai[1].pk]),
        # Microsoft's three latest are "Les deux" (already shown) and the next two.
        (microsoft, [on_microsoft[0].pk, on_microsoft[1].pk]),
    ]
    excluded = more_on(article, [openai, microsoft], exclude=[both.pk])
    assert both.pk not in {other.pk for _, others in excluded for other in others}


def test_more_on_lists_no_more_than_three_per_company_when_companies_share_articles():
    """An article among one company's latest but not another's does not lengthen the other's list."""
    from articles.views import more_on

    openai, microsoft = make_company("OpenAI"), make_company("Microsoft")
    now = timezone.now()
    article = make_article(published_at=now - timedelta(hours=1), companies=[openai, microsoft])
    on_microsoft = [make_article(published_at=now - timedelta(days=d), companies=[microsoft]) for d in (1, 2, 3)]
    older_on_both = make_article(published_at=now - timedelta(days=4), companies=[openai, microsoft])
    blocks = more_on(article, [microsoft, openai])
    assert [(company, [other.pk for other in others]) for company, others in blocks] == [
        (microsoft, [other.pk for other in on_microsoft]),
        (openai, [older_on_both.pk]),
    ]


def test_latest_per_company_finds_the_same_articles_read_newest_first_or_from_the_citations():
    """Each company's latest articles are the same whether they are read in date order (EXISTS)
    or from the company's citations (join), drafts and scheduled pieces left out."""
    openai, microsoft = make_company("OpenAI"), make_company("Microsoft")
    now = timezone.now()
    for d in range(1, 7):
        make_article(published_at=now - timedelta(days=d), companies=[openai] if d % 2 else [openai, microsoft])
    make_article(status=Article.Status.DRAFT, companies=[openai, microsoft])
    make_article(published_at=now + timedelta(days=1), companies=[openai, microsoft])
    public = Article.objects.published()

    def latest(newest_first):
        found = public.latest_per_company([openai, microsoft], per_company=2, newest_first=newest_first)
        return {company: [article.pk for article in articles] for company, articles in found.items()}

    with CaptureQueriesContext(connection) as joined:
        from_citations = latest(set())
    with CaptureQueriesContext(connection) as walked:
        assert latest({openai.pk, microsoft.pk}) == from_citations
    assert "EXISTS" not in joined[-1]["sql"].upper() and "EXISTS" in walked[-1]["sql"].upper()
    assert from_citations == latest({openai.pk}) == latest(None)
    expected = {
        company.pk: list(public.filter(companies=company).order_by("-published_at").values_list("pk", flat=True)[:2])
        for company in (openai, microsoft)
    }
    assert from_citations == expected
