"""The JSON search costs a constant number of queries, like the results page."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.search import rebuild_index
from tests.factories import make_article, make_company


class SearchApiQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        companies = [make_company("Norvalis"), make_company("Brévatech")]
        for i in range(50):
            make_article(f"Tournesol numéro {i}", companies=companies, sections=(("", "Texte."), ("Suite", "Plus.")))
        make_article("Un seul pissenlit", companies=companies[:1])
        rebuild_index()

    def count(self, q: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("search:api"), {"q": q})
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_query_count_is_the_same_for_1_and_50_results(self):
        """/api/recherche/ runs as many queries for 1 match as for 50 (20 shown, with companies)."""
        self.assertEqual(self.count("pissenlit"), self.count("tournesol"))

    def test_no_session_or_user_query(self):
        """An anonymous JSON search never reads the session or user tables."""
        with CaptureQueriesContext(connection) as queries:
            self.client.get(reverse("search:api"), {"q": "tournesol"})
        sql = " ".join(q["sql"] for q in queries)
        self.assertNotIn("django_session", sql)
        self.assertNotIn('"auth_user"', sql)
