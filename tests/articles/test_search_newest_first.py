"""Reading the newest matches in sort-key order (both databases): the keys, and the chunked
reading that stops after the matches a search needs, give the same results as reading at once."""

import importlib
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.search import SORT_DATE, SearchRequest, backends, index_articles, search
from articles.search.documents import KEY_SCALE, key_seconds, second_floor, sort_key
from tests.articles.search_corpus import SMALL_CHUNKS, corpus_requests, load_corpus, outcome
from tests.factories import make_article

migration = importlib.import_module("articles.migrations.0003_search_sort_key")


@pytest.fixture(autouse=True)
def chunked_filters(request):
    """Filtered requests read chunks of the newest matches here, as on a large archive, unless
    a test is about the filters applied first (the corpus's filters keep few articles)."""
    if "filter_first" in request.node.name:
        yield
        return
    with mock.patch.object(backends, "FILTER_FIRST_MAX", -1):
        yield


def stored_keys() -> dict[int, int]:
    """{article id: sort key} as the index holds them, on either database."""
    table = "articles_search_key" if connection.vendor == "sqlite" else "articles_searchdocument"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT article_id, sort_key FROM {table}")
        return dict(cursor.fetchall())


class SortKeyTests(TestCase):
    def test_keys_follow_publication_then_id(self):
        """A later second gives a larger key whatever the ids; within a second, the larger id wins."""
        moment = datetime(2024, 3, 1, 9, 30, 15, 500_000, tzinfo=UTC)
        self.assertGreater(sort_key(1, moment + timedelta(seconds=1)), sort_key(999_999_999, moment))
        self.assertGreater(sort_key(8, moment), sort_key(7, moment.replace(microsecond=999_999)))
        self.assertEqual(second_floor(sort_key(12345, moment)), sort_key(0, moment))

    def test_drafts_sort_below_every_dated_article_and_extreme_dates_are_clamped(self):
        """No date sorts lowest; dates past 2106 or before 1833 keep a key that fits in 64 bits."""
        oldest = datetime(1, 1, 1, tzinfo=UTC)
        latest = datetime(9999, 12, 31, tzinfo=UTC)
        self.assertLess(sort_key(999_999_999, None), sort_key(1, oldest))
        for moment in (oldest, latest, None):
            with self.subTest(moment=moment):
                key = sort_key(999_999_999, moment)
                self.assertLess(abs(key), 2**63)
        self.assertEqual(key_seconds(latest) * KEY_SCALE, second_floor(sort_key(5, latest)))

    def test_the_index_stores_each_article_under_its_key(self):
        """Writing an article indexes it under sort_key(id, published_at); a new date moves it."""
        article = make_article("Clé de tri", published_at=timezone.now() - timedelta(days=3))
        index_articles([article.pk])
        self.assertEqual(stored_keys()[article.pk], sort_key(article.pk, article.published_at))
        article.published_at = timezone.now() - timedelta(days=30)
        article.save()
        index_articles([article.pk])
        self.assertEqual(stored_keys()[article.pk], sort_key(article.pk, article.published_at))

    def test_the_migration_computes_the_same_keys_in_sql(self):
        """The SQL that carried existing rows over (migration 0003) agrees with sort_key()."""
        articles = [
            make_article("Daté", published_at=datetime(2019, 6, 30, 23, 59, 59, 999_999, tzinfo=UTC)),
            make_article("Ancien", published_at=datetime(1999, 1, 1, tzinfo=UTC)),
            make_article("Brouillon", status=Article.Status.DRAFT, published_at=None),
        ]
        expression = migration.KEY if connection.vendor == "sqlite" else migration.PG_KEY
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT a.id, {expression} FROM articles_article a", None)
            computed = dict(cursor.fetchall())
        for article in articles:
            with self.subTest(article=article.title):
                self.assertEqual(computed[article.pk], sort_key(article.pk, article.published_at))


class ChunkedReadingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_corpus()

    def test_small_chunks_give_the_same_results(self):
        """For every corpus query, sorted and filtered, reading one match at first changes nothing."""
        for request in corpus_requests():
            with self.subTest(request=request):
                expected = outcome(request)
                with SMALL_CHUNKS[0], SMALL_CHUNKS[1]:
                    self.assertEqual(outcome(request), expected)

    def test_filter_first_filters_that_keep_few_articles_find_what_chunked_reading_finds(self):
        """Filters that keep few articles (companies, dates) have those articles tested for the
        words, with no chunk of newest matches read: the same results, page and facets for
        every filtered corpus request as reading chunk after chunk."""
        newest = "ORDER BY sort_key DESC" if connection.vendor == "postgresql" else "ORDER BY rowid DESC"
        filtered = [r for r in corpus_requests() if r.companies or r.date_from or r.date_to]
        self.assertTrue(filtered)
        for request in filtered:
            with self.subTest(request=request):
                with mock.patch.object(backends, "FILTER_FIRST_MAX", -1):
                    chunked = outcome(request)
                with CaptureQueriesContext(connection) as queries:
                    first = outcome(request)
                self.assertEqual(first, chunked)
                self.assertFalse([q["sql"] for q in queries if newest in q["sql"]])

    def test_a_date_filter_bounds_the_keys_read(self):
        """With dates, every chunk is read between the keys of the range's first and last
        moments (not from today's key down), and finds what the filters applied first find."""
        request = SearchRequest(text="Microsoft", date_from=date(2021, 1, 1), date_to=date(2023, 12, 31))
        backend_class = type(backends.get_backend())
        reads = mock.patch.object(backend_class, "chunk", autospec=True, side_effect=backend_class.chunk)
        with reads as chunk:
            bounded = outcome(request)
        tz = timezone.get_current_timezone()
        lowest = sort_key(0, datetime(2021, 1, 1, tzinfo=tz))
        highest = sort_key(0, datetime(2024, 1, 1, tzinfo=tz))
        self.assertTrue(chunk.call_args_list)
        for call in chunk.call_args_list:
            _, _, _, floor, upper, _ = call.args
            self.assertGreaterEqual(floor, lowest)
            self.assertLessEqual(upper, highest)
        self.assertTrue(bounded[2])
        # The filters applied first read no chunk at all: the same outcome.
        with mock.patch.object(backends, "FILTER_FIRST_MAX", 10**6):
            self.assertEqual(outcome(request), bounded)

    def test_a_scheduled_article_is_found_once_its_time_has_come(self):
        """Keys above now are not read; once its time has passed, a scheduled article is, unindexed again."""
        soon = timezone.now() + timedelta(hours=1)
        article = make_article("Annonce du capybara", published_at=soon)
        index_articles([article.pk])
        self.assertLess(backends.upper_key(), sort_key(article.pk, soon))
        self.assertEqual(outcome(SearchRequest(text="capybara"))[2], [])
        with time_machine.travel(soon + timedelta(seconds=1)):
            self.assertGreater(backends.upper_key(), sort_key(article.pk, soon))
            self.assertEqual(outcome(SearchRequest(text="capybara"))[2], [article.slug])

    def test_articles_of_the_same_second_keep_one_order_whatever_the_chunks(self):
        """Two articles in one second come in id order (the key's), with one chunk or many."""
        second = timezone.now().replace(microsecond=0) - timedelta(days=2)
        first = make_article("Okapi matinal", published_at=second + timedelta(microseconds=900_000))
        later_id = make_article("Okapi tardif", published_at=second + timedelta(microseconds=100_000))
        index_articles([first.pk, later_id.pk])
        request = SearchRequest(text="okapi", sort=SORT_DATE)
        expected = [later_id.slug, first.slug]
        self.assertEqual(outcome(request)[2], expected)
        with SMALL_CHUNKS[0], SMALL_CHUNKS[1]:
            self.assertEqual(outcome(request)[2], expected)


class YearFacetTests(TestCase):
    def test_years_are_those_of_the_site_time_zone(self):
        """Published at 23:30 UTC on 31 December, an article counts in the next year (Paris time)."""
        article = make_article("Réveillon du tamanoir", published_at=datetime(2024, 12, 31, 23, 30, tzinfo=UTC))
        index_articles([article.pk])
        results = search(SearchRequest(text="tamanoir"))
        self.assertEqual([(f.value, f.count) for f in results.year_facets], [("2025", 1)])


def test_year_counts_follow_the_site_time_zone_in_any_order():
    """Moments are counted in their Paris year (New Year's Eve 23:30 UTC is already next year),
    whether they come newest first or not."""
    import datetime

    from articles.search import _year_counts

    def epoch(*args):
        return int(datetime.datetime(*args, tzinfo=datetime.UTC).timestamp())

    moments = [epoch(2025, 6, 1), epoch(2024, 12, 31, 23, 30), epoch(2024, 12, 31, 22, 30), epoch(2023, 1, 1)]
    expected = {2025: 2, 2024: 1, 2023: 1}
    assert _year_counts(moments) == expected
    assert _year_counts(reversed(moments)) == expected
    assert _year_counts(moments[1:2] + moments[:1] + moments[2:]) == expected
