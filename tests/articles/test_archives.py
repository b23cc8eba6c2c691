"""Date archives: /archives/, a year, a month, with links to the neighbouring periods."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def archive():
    return {
        "jan24": make_article("Article de janvier", published_at=datetime(2024, 1, 15, 10, tzinfo=PARIS)),
        "mar24": make_article("Mars 2024", published_at=datetime(2024, 3, 2, 10, tzinfo=PARIS)),
        # Midnight in Paris on 1 February is still January in UTC: the archive follows the site's time zone.
        "feb24": make_article("Février à minuit", published_at=datetime(2024, 2, 1, 0, 30, tzinfo=PARIS)),
        "may25": make_article("Mai 2025", published_at=datetime(2025, 5, 20, 10, tzinfo=PARIS)),
        "draft": make_article(
            "Brouillon d'avril", status=Article.Status.DRAFT, published_at=datetime(2024, 4, 2, tzinfo=PARIS)
        ),
    }


def test_archive_index_lists_months_with_counts_in_french(client, archive):
    """/archives/ lists every year and month with public articles, in French, drafts not counted."""
    html = client.get(reverse("articles:archive_index")).content.decode()
    for expected in ['href="/archives/2024/"', 'href="/archives/2025/"', ">Janvier<", ">Février<", ">Mars<", ">Mai<"]:
        assert expected in html
    assert ">Avril<" not in html
    assert html.index("/archives/2025/") < html.index("/archives/2024/")


def test_year_archive_lists_its_articles_and_neighbours(client, archive):
    """A year page lists its public articles and links to the next year that has some."""
    html = client.get("/archives/2024/").content.decode()
    assert "Article de janvier" in html and "Mars 2024" in html and "Février à minuit" in html
    assert "Mai 2025" not in html and "Brouillon" not in html
    assert 'href="/archives/2025/"' in html and 'href="/archives/2023/"' not in html
    assert 'href="/archives/2024/02/"' in html


def test_month_archive_in_the_sites_time_zone_with_neighbours(client, archive):
    """A month page lists its articles (Paris time) and links to the previous and next months with articles."""
    html = client.get("/archives/2024/02/").content.decode()
    assert "Février à minuit" in html and "Article de janvier" not in html
    assert "<h1>Février 2024</h1>" in html
    assert 'rel="prev" href="/archives/2024/01/"' in html and "Janvier 2024</a>" in html
    assert 'rel="next" href="/archives/2024/03/"' in html


def test_month_neighbours_skip_empty_months_and_drafts(client, archive):
    """From March 2024 the next month is May 2025: empty months and draft-only April are skipped."""
    html = client.get("/archives/2024/03/").content.decode()
    assert 'rel="next" href="/archives/2025/05/"' in html


def test_empty_or_draft_only_periods_are_404(client, archive):
    """A month or year with no public article is a 404 (a draft's month included)."""
    for url in ["/archives/2024/04/", "/archives/2023/", "/archives/2024/12/"]:
        assert client.get(url).status_code == 404, url


def test_year_archive_is_paginated(client):
    """A year with more than a page of articles is paginated; a malformed page number gives page 1, too far a 404."""
    for day in range(1, 26):
        make_article(f"Jour {day:02d}", published_at=datetime(2023, 1, day, 12, tzinfo=PARIS))
    assert "Page 1 sur 2" in client.get("/archives/2023/").content.decode()
    assert "Jour 01" in client.get("/archives/2023/", {"page": 2}).content.decode()
    assert "Jour 01" in client.get("/archives/2023/", {"page": "last"}).content.decode()
    assert "Page 1 sur 2" in client.get("/archives/2023/", {"page": "x"}).content.decode()
    assert client.get("/archives/2023/", {"page": 3}).status_code == 404
