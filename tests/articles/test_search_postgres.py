"""PostgreSQL backend: matches read within a window of recent documents (widened when it holds
too few) or read whole give the same results; the choice depends on the planner's estimates only."""

from datetime import timedelta
from io import StringIO
from unittest import mock, skipUnless

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, SearchTerm
from articles.search import SearchRequest, backends, index_articles, search
from articles.search.backends import postgres
from articles.search.documents import KEY_SCALE
from articles.search.query import parse
from tests.articles.search_corpus import SMALL_CHUNKS, corpus_requests, load_corpus, outcome

STATISTICS = postgres.PostgresBackend.statistics
# Every search walks the key index (as a common word does).
ALWAYS_WALK = mock.patch.object(postgres, "WALK_ROW_COST", 0)
# Never a window: every match is read.
WHOLE_INDEX = mock.patch.object(postgres, "WHOLE_INDEX_SHARE", 0)
# Always a window, and far too small a one at first: every search goes through widening.
TINY_WINDOWS = (
    mock.patch.object(postgres, "WHOLE_INDEX_SHARE", 10**9),
    mock.patch.object(postgres, "WINDOW_MARGIN", 10**-9),
    mock.patch.object(postgres.PostgresBackend, "statistics", lambda self, words: (10**6, STATISTICS(self, words)[1])),
)
# Every window bounded from the key histogram (the corpus's index was analysed when built),
# whose bounds move by whole buckets: widening must still reach every match.
QUANTILE_BOUNDS = mock.patch.object(postgres, "WALKED_KEYS", 0)


@pytest.fixture(autouse=True)
def chunked_filters():
    """Filtered requests read windows and chunks here, as on a large archive: the corpus's
    filters keep so few articles that they would be applied first (``FILTER_FIRST_MAX``)."""
    with mock.patch.object(backends, "FILTER_FIRST_MAX", -1):
        yield


def tiny_windows(function, *args):
    with TINY_WINDOWS[0], TINY_WINDOWS[1], TINY_WINDOWS[2]:
        return function(*args)


@skipUnless(connection.vendor == "postgresql", "PostgreSQL backend only: SQLite reads FTS5 in key order")
class MatchStrategyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_corpus()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_searchdocument")  # the key histogram windows read

    def setUp(self):
        # The process's histograms: ANALYZE's statistics are rolled back with each test,
        # its time is not.
        postgres._HISTOGRAMS.clear()

    def test_windows_walks_and_whole_index_give_the_same_results(self):
        """For every corpus query, by relevance and by date, with or without filters, the four
        ways agree: whole index, windows bounded by walking the keys or by the key histogram,
        and the key walk."""
        quantiles = mock.patch.object(postgres, "floor_from_quantiles", wraps=postgres.floor_from_quantiles)
        histogram_used = False
        for request in corpus_requests():
            with self.subTest(request=request):
                with WHOLE_INDEX:
                    whole = outcome(request)
                self.assertEqual(tiny_windows(outcome, request), whole)
                with QUANTILE_BOUNDS, quantiles as bounded:
                    self.assertEqual(tiny_windows(outcome, request), whole)
                histogram_used |= bounded.called
                with ALWAYS_WALK:
                    self.assertEqual(outcome(request), whole)
        self.assertTrue(histogram_used)

    def test_a_common_word_walks_the_key_index_with_bitmaps_off(self):
        """A word common enough is read by walking the keys: no window, bitmap scans off for that read."""
        with ALWAYS_WALK, CaptureQueriesContext(connection) as queries:
            search(SearchRequest(text="Microsoft"))
        sqls = [q["sql"] for q in queries]
        self.assertIn("SET LOCAL enable_bitmapscan = off", sqls)
        self.assertFalse([sql for sql in sqls if "sort_key >=" in sql])

    def test_a_window_bounds_the_match_on_the_sort_key(self):
        """A windowed search cuts the GIN matches on sort_key; a whole-index search does not."""

        def candidate_queries():
            with CaptureQueriesContext(connection) as queries:
                search(SearchRequest(text="Microsoft"))
            sqls = [q["sql"] for q in queries]
            return [sql for sql in sqls if "WITH chunk AS MATERIALIZED" in sql]

        with WHOLE_INDEX:
            whole = candidate_queries()
        self.assertEqual(len(whole), 1)
        self.assertNotIn("sort_key >=", whole[0])
        windowed = tiny_windows(candidate_queries)
        self.assertIn("sort_key >=", windowed[0])
        # Widened until the window covered the whole index: the last try has no lower bound.
        self.assertNotIn("sort_key >=", windowed[-1])
        self.assertGreater(len(windowed), 1)

    def test_index_scans_are_back_on_after_a_windowed_search(self):
        """The windowed read turns plain index scans off for itself only, even within a transaction."""
        with CaptureQueriesContext(connection) as queries:
            tiny_windows(search, SearchRequest(text="Microsoft"))
        self.assertIn("SET LOCAL enable_indexscan = off", [q["sql"] for q in queries])
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_indexscan")
            self.assertEqual(cursor.fetchone()[0], "on")

    def test_a_scan_turned_off_for_a_read_leaves_the_callers_setting_as_it_was(self):
        """Within a caller's transaction, the read's SET LOCAL is undone, the caller's own setting kept."""
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            tiny_windows(search, SearchRequest(text="Microsoft"))  # turns index scans off, then back
            cursor.execute("SHOW enable_bitmapscan")
            self.assertEqual(cursor.fetchone()[0], "off")
            with ALWAYS_WALK:
                search(SearchRequest(text="Microsoft"))  # turns bitmap scans off, then back
            cursor.execute("SHOW enable_bitmapscan")
            self.assertEqual(cursor.fetchone()[0], "off")
            cursor.execute("SET LOCAL enable_bitmapscan TO DEFAULT")

    def test_windows_within_the_index_of_recent_documents_read_it_and_find_the_same(self):
        """With an index of the newest documents (here the newest 12), a window above its bound
        is read from it, and every corpus query finds what a read of the whole index finds."""
        with mock.patch.object(postgres, "RECENT_DOCUMENTS", 12):
            bound = postgres.PostgresBackend().refresh_recent_index()
        self.assertIsNotNone(bound)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_searchdocument")
            # A table this small is read sequentially, or through the key index alone, unless
            # told otherwise (the index's removal is rolled back with the test's transaction).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"DROP INDEX {postgres.KEY_INDEX}")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute(
                "EXPLAIN SELECT article_id FROM articles_searchdocument "
                "WHERE document @@ 'microsoft'::tsquery AND sort_key >= %s",
                [bound],
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
            cursor.execute("SET LOCAL enable_indexscan TO DEFAULT")
        self.assertIn(postgres.RECENT_GIN_INDEX, plan)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE UNIQUE INDEX {postgres.KEY_INDEX} ON articles_searchdocument (sort_key)")
        for request in corpus_requests():
            with self.subTest(request=request):
                with WHOLE_INDEX:
                    whole = outcome(request)
                self.assertEqual(tiny_windows(outcome, request), whole)
                with QUANTILE_BOUNDS:
                    self.assertEqual(tiny_windows(outcome, request), whole)

    def test_an_archive_no_larger_than_the_recent_index_gets_none(self):
        """With no more documents than the recent index would hold, there is no such index: one
        made when it held fewer (here, 12) is dropped."""
        with mock.patch.object(postgres, "RECENT_DOCUMENTS", 12):
            postgres.PostgresBackend().refresh_recent_index()
        self.assertEqual(recent_indexes(), [postgres.RECENT_GIN_INDEX])
        self.assertIsNone(postgres.PostgresBackend().refresh_recent_index())
        self.assertEqual(recent_indexes(), [])

    def test_small_chunks_within_tiny_windows_give_the_same_results(self):
        """Chunk after chunk inside windows widened again and again: the same results as read whole."""
        for request in corpus_requests():
            with self.subTest(request=request):
                with WHOLE_INDEX:
                    whole = outcome(request)
                with SMALL_CHUNKS[0], SMALL_CHUNKS[1]:
                    self.assertEqual(tiny_windows(outcome, request), whole)

    def test_a_phrase_is_checked_only_on_the_newest_documents_holding_its_words(self):
        """A phrase's words select the documents (GIN index alone), positions are checked on
        them afterwards: words in the wrong order match nothing."""
        with WHOLE_INDEX, CaptureQueriesContext(connection) as queries:
            found = search(SearchRequest(text='"processeurs graphiques"'))
        reads = [q["sql"] for q in queries if "AS together" in q["sql"]]
        self.assertEqual(len(reads), 1)
        self.assertIn("document @@ '(''processeur'' & ''graphiqu'')'", reads[0])
        self.assertIn("document @@ '(''processeur'' <-> ''graphiqu'')'", reads[0])
        self.assertEqual([hit.article.slug for hit in found.hits], ["nvidia-puces"])
        with WHOLE_INDEX:
            self.assertEqual(search(SearchRequest(text='"graphiques processeurs"')).total, 0)

    def test_a_large_window_is_bounded_from_the_key_quantiles_of_analyze(self):
        """Once the table is analysed, a window's lower bound comes from its key histogram and
        holds about as many documents as asked (here exactly: the histogram lists every key)."""
        backend = postgres.PostgresBackend()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_searchdocument")
            cursor.execute("SELECT count(*) FROM articles_searchdocument")
            backend._indexed = cursor.fetchone()[0]
        quantiles = backend.key_quantiles()
        self.assertEqual(quantiles, sorted(quantiles))
        self.assertGreater(len(quantiles), 10)
        upper = quantiles[-1] + 1
        fresh = postgres.PostgresBackend()  # one per search
        fresh._indexed = backend._indexed
        with mock.patch.object(postgres, "WALKED_KEYS", 0), CaptureQueriesContext(connection) as queries:
            floor = fresh.window_floor(10, upper)
            fresh.window_floor(20, upper)  # the quantiles are read once per search
        self.assertEqual(len(queries), 1)
        self.assertIn("pg_stats", queries[0]["sql"])
        self.assertEqual(floor, backend.window_floor(10, upper))
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM articles_searchdocument WHERE sort_key >= %s", [floor])
            self.assertAlmostEqual(cursor.fetchone()[0], 10, delta=2)

    def test_the_key_histogram_is_read_again_once_the_table_is_analysed_again(self):
        """The process keeps the key histogram with the time of the table's last ANALYZE: a
        search reads none while that time is the same, and reads the new one after ANALYZE."""
        first = postgres.PostgresBackend()
        first.statistics(["microsoft"])
        quantiles = first.key_quantiles()
        self.assertGreater(len(quantiles), 10)
        again = postgres.PostgresBackend()
        again.statistics(["microsoft"])
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(again.key_quantiles(), quantiles)
        self.assertEqual(len(queries), 0)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM articles_searchdocument WHERE sort_key = %s", [quantiles[-1]])
            cursor.execute("ANALYZE articles_searchdocument")
            # Statistics functions answer from a snapshot taken once per transaction (a test's
            # is one transaction; a request outside one is not).
            cursor.execute("SELECT pg_stat_clear_snapshot()")
        changed = postgres.PostgresBackend()
        changed.statistics(["microsoft"])
        with CaptureQueriesContext(connection) as queries:
            self.assertNotEqual(changed.key_quantiles(), quantiles)
        self.assertEqual(len(queries), 1)

    def test_estimates_come_from_the_planner_and_the_vocabulary(self):
        """The match estimate and the document count are the planner's, whole numbers; word
        frequencies are the vocabulary's, for the words it holds."""
        backend = postgres.PostgresBackend()
        self.assertGreaterEqual(backend.estimated_matches("'microsoft'"), 0)
        indexed, frequency = backend.statistics(["microsoft", "xylophraquiste"])
        self.assertIsInstance(indexed, int)
        self.assertGreaterEqual(indexed, 0)
        stored = SearchTerm.objects.get(term="microsoft").frequency
        self.assertEqual(frequency, {"microsoft": stored})


@skipUnless(connection.vendor == "postgresql", "PostgreSQL backend only")
class OutsideATransactionTests(TransactionTestCase):
    """As in production (autocommit, no transaction around a request): TestCase's own
    transaction would take the savepoint path of ``PostgresBackend._read``."""

    def test_a_scan_turned_off_outside_a_transaction_is_sent_with_its_read_and_lasts_for_it_only(self):
        """Outside a transaction, SET LOCAL travels in the same statement string as the read it
        is for: the results are those read whole, and the connection's settings are untouched."""
        load_corpus()
        request = SearchRequest(text="Microsoft")
        self.assertFalse(connection.in_atomic_block)
        with WHOLE_INDEX:
            whole = outcome(request)
        for scan, strategy in (("enable_bitmapscan", ALWAYS_WALK), ("enable_indexscan", QUANTILE_BOUNDS)):
            with self.subTest(scan=scan), CaptureQueriesContext(connection) as queries:
                with strategy:
                    found = tiny_windows(outcome, request) if scan == "enable_indexscan" else outcome(request)
                self.assertEqual(found, whole)
                # No SET LOCAL sent alone: each travels with the read it is for.
                settings = [q["sql"] for q in queries if "SET LOCAL" in q["sql"]]
                self.assertTrue(settings)
                self.assertTrue(all(sql.startswith(f"SET LOCAL {scan} = off; WITH chunk") for sql in settings))
                with connection.cursor() as cursor:
                    cursor.execute(f"SHOW {scan}")
                    self.assertEqual(cursor.fetchone()[0], "on")

    def test_setting_a_scan_off_with_its_read_outside_a_transaction_takes_effect(self):
        """A statement sent after its SET LOCAL in the same string runs with the scan off; the
        next statement with it on again."""
        self.assertFalse(connection.in_atomic_block)
        self.assertEqual(postgres.PostgresBackend._read("SHOW enable_indexscan", [], "enable_indexscan"), [("off",)])
        self.assertEqual(postgres.PostgresBackend._read("SHOW enable_indexscan", []), [("on",)])

    def test_the_recent_index_is_made_again_concurrently_by_the_command(self):
        """``rebuild_search_index --recent-only`` outside a transaction builds the index of recent
        documents concurrently and puts it in place of the previous one (dropped concurrently),
        whose bound it moves up as newer documents arrive."""
        self.addCleanup(self.drop_recent_index)  # a flush empties tables, it does not drop indexes
        load_corpus()
        with mock.patch.object(postgres, "RECENT_DOCUMENTS", 12):
            call_command("rebuild_search_index", recent_only=True, stdout=StringIO())
            first = self.recent_index_definition()
            articles = list(Article.objects.order_by("published_at")[:2])
            for article in articles:
                Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(minutes=1))
            index_articles([article.pk for article in articles])
            with CaptureQueriesContext(connection) as queries:
                call_command("rebuild_search_index", recent_only=True, stdout=StringIO())
            second = self.recent_index_definition()
        self.assertIn("WHERE (sort_key >=", first)
        self.assertNotEqual(first, second)
        sqls = [q["sql"] for q in queries]
        building = f"CREATE INDEX CONCURRENTLY {postgres.RECENT_GIN_INDEX}_new"
        self.assertTrue(any(sql.startswith(building) for sql in sqls))
        self.assertIn(f"DROP INDEX CONCURRENTLY IF EXISTS {postgres.RECENT_GIN_INDEX}_old", sqls)
        self.assertEqual(recent_indexes(), [postgres.RECENT_GIN_INDEX])

    @staticmethod
    def recent_index_definition() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [postgres.RECENT_GIN_INDEX])
            return cursor.fetchone()[0]

    @staticmethod
    def drop_recent_index():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {postgres.RECENT_GIN_INDEX}")


def recent_indexes() -> list[str]:
    """The index of recent documents and any left over from a refresh, by name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE %s ORDER BY indexname",
            [postgres.RECENT_GIN_INDEX + "%"],
        )
        return [row[0] for row in cursor.fetchall()]


FREQUENCY = {"pangolin": 120, "fourmi": 40, "ecaille": 900}


def test_words_phrases_or_and_groups_combine_their_frequencies():
    """A word gives its frequency, a phrase half of its rarest word, OR a sum, AND the
    smallest group halved by each other one."""

    def estimate(text):
        return postgres.estimate_from(parse(text), FREQUENCY)

    assert estimate("pangolin") == 120
    assert estimate('"pangolin écaille"') == 60
    assert estimate("pangolin OR fourmi") == 160
    assert estimate("pangolin fourmi") == 20
    assert estimate("pangolin fourmi écaille") == 10


def test_absent_words_match_nothing_and_short_words_are_left_to_the_planner():
    """A word of four letters or more missing from the vocabulary is in no document; "IA" is unknown."""
    assert postgres.estimate_from(parse("xylophraquiste"), FREQUENCY) == 0
    assert postgres.vocabulary_words(parse("IA pangolin")) is None
    assert postgres.vocabulary_words(parse("pangolin fourmi")) == {"pangolin", "fourmi"}


@pytest.mark.parametrize(
    ("indexed", "matches", "filtered", "walk", "window"),
    [
        (10**6, 600_000, False, True, False),  # a common word: walk the keys
        (10**6, 600_000, True, False, True),  # ...unless filters may keep few of its matches
        (10**6, 20_000, False, False, True),  # a word in 2 %: a window
        (10**6, 100, False, False, False),  # a rare word: its matches, whole
        (0, 600_000, False, False, False),  # never analysed: left to the planner
    ],
)
def test_the_read_follows_the_expected_share_of_matches(indexed, matches, filtered, walk, window):
    """Common words walk (not when filtered), words of a few percent get a window, rare ones neither."""
    backend = postgres.PostgresBackend()
    statistics = mock.patch.object(
        postgres.PostgresBackend, "statistics", lambda self, words: (indexed, dict.fromkeys(words, matches))
    )
    with statistics, mock.patch.object(postgres.PostgresBackend, "window_floor", lambda self, rows, upper: rows):
        floor = backend.first_floor(parse("pangolin"), "'pangolin'", 501, 10**18, filtered)
    assert backend.walk is walk
    assert (floor is not None) is window


def test_a_window_that_held_most_matches_grows_by_what_the_rest_needs():
    """Widening follows the share of matches met: nine tenths found means a window twice as large
    (not four times); a tenth found means the larger one that share calls for."""
    backend = postgres.PostgresBackend()
    backend._indexed, backend._upper = 10**7, 0
    # Each window's bound: minus its size (a larger window reaches lower keys).
    with mock.patch.object(postgres.PostgresBackend, "window_floor", lambda self, rows, upper: -rows):
        backend._rows = 10_000
        assert backend.widen(450, 500) == -20_000
        backend._rows, backend._last_floor = 10_000, -10_000
        # 450 missing at 50 per 10,000 documents, with the margin: 135,000 more.
        assert backend.widen(50, 500) == -(10_000 + 450 * 200 * postgres.WINDOW_MARGIN)
        backend._rows, backend._last_floor = 10_000, -10_000
        assert backend.widen(0, 500) == -10_000 * postgres.WINDOW_GROWTH


def test_a_widened_window_always_reaches_below_the_last_one():
    """When a larger window rounds to the same histogram bound, it grows again: no range read twice."""
    backend = postgres.PostgresBackend()
    backend._indexed, backend._upper, backend._rows = 10**6, 10**30, 10_000
    # A bound every 30,000 documents down from the top: 10,000 and 20,000 rows share one.
    with mock.patch.object(postgres.PostgresBackend, "window_floor", lambda self, rows, upper: -(-rows // 30_000) * -1):
        assert backend._floor() == -1
        assert backend.widen(450, 500) == -2
    assert backend._rows == 40_000


def test_the_quantiles_place_a_window_floor_on_a_bucket_bound():
    """With ten equal buckets of 100 documents, 250 documents below the top take three buckets
    rounded up to the next bound; scheduled keys above ``upper`` count as taken; too many: none."""
    bounds = [i * 10 * KEY_SCALE for i in range(11)]
    assert postgres.floor_from_quantiles(bounds, 1000, 250, 100 * KEY_SCALE) == 70 * KEY_SCALE
    assert postgres.floor_from_quantiles(bounds, 1000, 300, 100 * KEY_SCALE) == 70 * KEY_SCALE
    assert postgres.floor_from_quantiles(bounds, 1000, 250, 90 * KEY_SCALE) == 60 * KEY_SCALE
    assert postgres.floor_from_quantiles(bounds, 1000, 250, 10**30) == 70 * KEY_SCALE
    assert postgres.floor_from_quantiles(bounds, 1000, 1000, 100 * KEY_SCALE) is None
    assert postgres.floor_from_quantiles(bounds[:1], 1000, 10, 100 * KEY_SCALE) is None


def test_a_gap_inside_a_bucket_leaves_the_window_its_documents():
    """A bucket whose documents all sit at its bottom (an archive silent for months): the floor
    is that bucket's lower bound, not a key inside the empty stretch."""
    # Ten buckets; the last one (keys 90 to 200) has its 100 documents near its bottom.
    bounds = [i * 10 * KEY_SCALE for i in range(10)] + [200 * KEY_SCALE]
    assert postgres.floor_from_quantiles(bounds, 1000, 50, 200 * KEY_SCALE) == 90 * KEY_SCALE
