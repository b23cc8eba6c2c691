"""The public page cache: hits, purges after edits, conditional requests, editors and scheduled articles."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import search, services
from articles.models import Article
from tests.factories import make_article, make_company

pytestmark = pytest.mark.django_db


def queries_for(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def test_second_visit_is_served_from_the_cache_without_queries(client):
    """A page seen once is served again with no database query, whatever extra query string is added."""
    article = make_article(companies=["Apple"])
    for url in [
        reverse("articles:home"),
        article.get_absolute_url(),
        "/entreprises/apple/",
        reverse("articles:feed_rss"),
    ]:
        first, _ = queries_for(client, url)
        again, count = queries_for(client, url + "?utm_source=lettre")
        assert count == 0, url
        assert again.content == first.content


def test_edit_through_services_refreshes_every_page_showing_the_article(client, django_capture_on_commit_callbacks):
    """After article_saved, the home, article, company, archive and feed pages show the new title."""
    apple = make_company("Apple")
    article = make_article("Ancien titre", companies=[apple])
    when = timezone.localtime(article.published_at)
    urls = [
        reverse("articles:home"),
        article.get_absolute_url(),
        apple.get_absolute_url(),
        reverse("articles:archive_month", kwargs={"year": when.year, "month": when.month}),
        reverse("articles:feed_rss"),
    ]
    for url in urls:
        assert "Ancien titre" in client.get(url).content.decode()
    article.title = "Nouveau titre"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
        services.article_saved(article=article, previous_slug=article.slug)
    for url in urls:
        html = client.get(url).content.decode()
        assert "Nouveau titre" in html and "Ancien titre" not in html, url


def test_publish_and_unpublish_refresh_cached_pages(client, django_capture_on_commit_callbacks):
    """A draft published through the service appears on cached pages; unpublished, it disappears again."""
    make_article("Déjà là")
    draft = make_article("Tout nouveau", status=Article.Status.DRAFT)
    home = reverse("articles:home")
    assert "Tout nouveau" not in client.get(home).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=draft)
    assert "Tout nouveau" in client.get(home).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=draft)
    assert "Tout nouveau" not in client.get(home).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_unchanged_article_answers_304(client, django_capture_on_commit_callbacks):
    """An article page carries an ETag; asking again with it gives 304, and 200 once the article changed."""
    article = make_article("Titre")
    first = client.get(article.get_absolute_url())
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    again = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    company = make_company("Apple")
    company_page = client.get(company.get_absolute_url())
    assert client.get(company.get_absolute_url(), headers={"if-none-match": company_page["ETag"]}).status_code == 304
    article.title = "Titre modifié"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
        services.article_saved(article=article)
    changed = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_page_from_the_cache_keeps_its_type_and_caching_headers(client):
    """A page served from the cache has the body, the content type its view gave and every header of the
    page as first served: its ETag, public revalidation, Vary: Cookie."""
    apple = make_company("Apple")
    article = make_article("Le processeur", companies=[apple])
    search.index_articles([article.pk])
    for url, content_type in [
        (reverse("articles:home"), "text/html"),
        (article.get_absolute_url(), "text/html"),
        (apple.get_absolute_url(), "text/html"),
        (reverse("articles:feed_atom"), "application/atom+xml"),
        ("/recherche/?q=processeur", "text/html"),
        ("/api/recherche/?q=processeur", "application/json"),
    ]:
        first, queries = queries_for(client, url)
        again, count = queries_for(client, url)
        assert queries > 0 and count == 0, url
        assert again.status_code == 200 and again.content == first.content, url
        assert dict(again.headers) == dict(first.headers), url
        assert again["Content-Type"].startswith(content_type), url
        assert again["ETag"].startswith('"') and "Cookie" in again["Vary"], url
        assert {"public", "no-cache"} <= {part.strip() for part in again["Cache-Control"].split(",")}, url


def test_a_page_from_the_cache_costs_one_cache_read(client):
    """Serving a stored page reads the cache once, the generation and the page together (one MGET on
    Redis), and writes nothing."""
    from unittest import mock

    from django.core.cache import cache as real_cache

    calls = []

    class Recorder:
        def __getattr__(self, name):
            attribute = getattr(real_cache, name)
            if not callable(attribute):
                return attribute

            def recorded(*args, **kwargs):
                calls.append(name)
                return attribute(*args, **kwargs)

            return recorded

    article = make_article()
    client.get(article.get_absolute_url())
    with mock.patch("articles.cache.cache", Recorder()):
        assert client.get(article.get_absolute_url()).status_code == 200
    assert calls == ["get_many"]


def test_a_precondition_on_another_version_fails(client):
    """A request that asks for the page only if it is another version (If-Match) gets 412, not the page."""
    article = make_article()
    etag = client.get(article.get_absolute_url())["ETag"]
    refused = client.get(article.get_absolute_url(), headers={"if-match": '"une-autre-version"'})
    assert refused.status_code == 412 and refused.content == b"" and refused["ETag"] == etag
    assert client.get(article.get_absolute_url(), headers={"if-match": etag}).status_code == 200


def test_public_pages_tell_shared_caches_to_revalidate(client):
    """Public pages may be stored by browsers but must be revalidated, and vary on the session cookie."""
    response = client.get(reverse("articles:home"))
    assert "no-cache" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


@pytest.fixture
def editor_client(client, django_user_model):
    editor = django_user_model.objects.create_user("redaction", password="x" * 20, is_staff=True)
    client.force_login(editor)
    return client


def test_editor_preview_is_never_cached_nor_served_to_readers(editor_client, client):
    """An editor previews a draft; the preview is marked private and a reader still gets a 404."""
    from django.test import Client

    draft = make_article("Brouillon secret", status=Article.Status.DRAFT)
    preview = editor_client.get(draft.get_absolute_url())
    assert preview.status_code == 200 and "Aperçu" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"] and "private" in preview["Cache-Control"]
    reader = Client()
    assert reader.get(draft.get_absolute_url()).status_code == 404
    assert "Brouillon secret" not in reader.get(reverse("articles:home")).content.decode()


def test_editor_never_gets_a_cached_page(editor_client):
    """With a session cookie, every page is built afresh (the database is queried each time)."""
    from django.test import Client

    article = make_article()
    Client().get(article.get_absolute_url())  # a reader fills the cache
    _, count = queries_for(editor_client, article.get_absolute_url())
    assert count > 0


def test_scheduled_article_appears_at_its_time_and_not_before(client):
    """A scheduled article is invisible everywhere until its time, then shows on pages cached before it."""
    apple = make_company("Apple")
    make_article("Déjà publié", companies=[apple])
    due = timezone.now() + timedelta(hours=2)
    scheduled = make_article("Article programmé", published_at=due, companies=[apple])
    urls = [
        reverse("articles:home"),
        apple.get_absolute_url(),
        reverse("articles:company_list"),
        reverse("articles:feed_rss"),
        reverse("articles:sitemap_section", kwargs={"section": "articles"}),
    ]
    with time_machine.travel(due - timedelta(minutes=1), tick=False):
        for url in urls:
            assert "rogramm" not in client.get(url).content.decode(), url
        assert client.get(scheduled.get_absolute_url()).status_code == 404
    with time_machine.travel(due + timedelta(minutes=1), tick=False):
        assert "Article programmé" in client.get(reverse("articles:home")).content.decode()
        assert "Article programmé" in client.get(apple.get_absolute_url()).content.decode()
        assert "Article programmé" in client.get(reverse("articles:feed_rss")).content.decode()
        sitemap = reverse("articles:sitemap_section", kwargs={"section": "articles"})
        assert scheduled.slug in client.get(sitemap).content.decode()
        assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_random_page_numbers_share_one_cache_entry(client):
    """Huge or malformed page numbers give the first page from one cache entry, not one entry each."""
    make_article("Le seul article")
    home = reverse("articles:home")
    client.get(home)
    for page in ["123456789", "abc", "-2", "0"]:
        response, count = queries_for(client, f"{home}?page={page}")
        assert count == 0 and "Le seul article" in response.content.decode(), page


def searchable(title: str, **fields) -> Article:
    article = make_article(title, **fields)
    search.index_articles([article.pk])
    return article


def test_a_search_made_once_is_served_again_from_the_cache(client):
    """The same search, page or JSON, is answered again with no query, whatever other parameter is added."""
    searchable("Le processeur gravé en trois nanomètres")
    for url in ["/recherche/?q=processeur", "/api/recherche/?q=processeur"]:
        first, queries = queries_for(client, url)
        assert first.status_code == 200 and queries > 0, url
        again, count = queries_for(client, url + "&utm_source=lettre")
        assert count == 0, url
        assert again.content == first.content and again["Content-Type"] == first["Content-Type"], url


def test_every_different_search_is_a_page_of_its_own(client):
    """Words, sort, page, dates and companies each change the answer; a value never passes for another parameter."""
    apple = make_company("Apple")
    searchable("Le processeur d'Apple", companies=[apple])
    searchable("La mémoire vive sur mesure")
    urls = [
        "/recherche/?q=processeur",
        "/recherche/?q=m%C3%A9moire",
        "/recherche/?q=processeur&tri=date",
        "/recherche/?q=processeur&page=2",
        "/recherche/?q=processeur&du=2001-01-01",
        "/recherche/?q=processeur&entreprise=apple",
        "/recherche/?q=processeur%0Atri%3Ddate",  # the words "processeur", line break, "tri=date": not a sort
    ]
    pages = {url: client.get(url).content for url in urls}
    assert len(set(pages.values())) == len(urls)
    for url in urls:  # and each answers again from its own entry
        response, count = queries_for(client, url)
        assert count == 0 and response.content == pages[url], url


def test_a_cached_search_shows_an_article_published_since(client, django_capture_on_commit_callbacks):
    """After a publication, the same search finds the new article: the cached answer is stale at once."""
    searchable("Le premier processeur")
    draft = make_article("Le second processeur", status=Article.Status.DRAFT)
    for url in ["/recherche/?q=processeur", "/api/recherche/?q=processeur"]:
        assert "Le second processeur" not in client.get(url).content.decode(), url
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=draft)
    for url in ["/recherche/?q=processeur", "/api/recherche/?q=processeur"]:
        assert "Le second processeur" in client.get(url).content.decode(), url


def test_a_refused_search_is_never_stored(client, rf):
    """A search the form refuses answers 400 and leaves nothing in the cache; a valid one is stored."""
    from django.core.cache import cache

    from articles.cache import page_key
    from articles.search.forms import SearchForm

    searchable("Le processeur")
    for url, status, stored in [
        ("/recherche/?q=processeur&du=hier", 400, False),
        ("/recherche/?q=processeur", 200, True),
    ]:
        assert client.get(url).status_code == status, url
        key = page_key(rf.get(url), (), SearchForm.PARAMETERS)
        assert (cache.get(key) is not None) is stored, url


def test_a_rebuilt_index_is_what_the_next_search_reads(client, django_capture_on_commit_callbacks):
    """Rebuilding the search index drops the searches stored before (here, of a title changed behind
    the services' back)."""
    article = searchable("Le processeur d'antan")
    assert "antan" in client.get("/recherche/?q=processeur").content.decode()
    Article.objects.filter(pk=article.pk).update(title="Le processeur de demain")
    with django_capture_on_commit_callbacks(execute=True):
        search.rebuild_index()
    html = client.get("/recherche/?q=processeur").content.decode()
    assert "demain" in html and "antan" not in html


def test_an_editor_searches_the_live_archive(editor_client):
    """With a session cookie, a search runs each time, even one a reader has just made."""
    from django.test import Client

    searchable("Le processeur")
    Client().get("/recherche/?q=processeur")  # a reader fills the cache
    response, count = queries_for(editor_client, "/recherche/?q=processeur")
    assert response.status_code == 200 and count > 0
    assert "no-store" in response["Cache-Control"]
