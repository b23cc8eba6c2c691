"""PostgreSQL backend: matches collected through the GIN index first, or found by walking the
date index, give the same results (the choice depends on the planner's estimate only)."""

from datetime import date
from unittest import mock, skipUnless

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from articles.models import Company
from articles.search import SORT_DATE, SearchRequest, search
from articles.search.backends import postgres
from tests.articles.search_corpus import EXPECTED, load_corpus

ALWAYS_COLLECT = mock.patch.object(postgres, "MATERIALISE_BELOW", 10**9)
ALWAYS_WALK = mock.patch.object(postgres, "MATERIALISE_BELOW", -1)


def outcome(request: SearchRequest) -> tuple:
    results = search(request)
    return results.total, results.total_is_capped, [hit.article.slug for hit in results.hits]


@skipUnless(connection.vendor == "postgresql", "PostgreSQL backend only: SQLite has a single way")
class MatchStrategyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_corpus()

    def test_both_ways_give_the_same_results(self):
        """For every corpus query, by relevance and by date, with or without filters, both ways agree."""
        microsoft = Company.objects.get(name="Microsoft")
        variants = [
            {},
            {"sort": SORT_DATE},
            {"companies": [microsoft]},
            {"date_from": date(2000, 1, 1), "date_to": date.today(), "sort": SORT_DATE},
        ]
        for query in EXPECTED:
            for options in variants:
                with self.subTest(query=query, options=options):
                    request = SearchRequest(text=query, **options)
                    with ALWAYS_COLLECT:
                        collected = outcome(request)
                    with ALWAYS_WALK:
                        walked = outcome(request)
                    self.assertEqual(collected, walked)

    def test_estimate_chooses_the_way(self):
        """Under the threshold the candidate query collects the GIN matches behind OFFSET 0; above, it does not."""
        for patch, fenced in ((ALWAYS_COLLECT, True), (ALWAYS_WALK, False)):
            with self.subTest(fenced=fenced), patch, CaptureQueriesContext(connection) as queries:
                search(SearchRequest(text="Microsoft"))
            candidates = [q["sql"] for q in queries if "LIMIT 1001" in q["sql"]]
            self.assertEqual(len(candidates), 1)
            self.assertEqual("OFFSET 0" in candidates[0], fenced)

    def test_estimate_comes_from_the_planner(self):
        """The estimate is the planner's row count for the match, a whole number."""
        estimate = postgres.PostgresBackend().estimated_matches("'microsoft'")
        self.assertIsInstance(estimate, int)
        self.assertGreaterEqual(estimate, 0)
