"""Lists count at most LIST_CAP articles: the count query stays bounded, pages say "plus de"
and the last reachable page points to the date archives."""

from datetime import UTC, datetime, timedelta
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import views
from tests.factories import make_article, make_company

SMALL_CAP = mock.patch.object(views, "LIST_CAP", 21)  # pages of 20: a second page of one


class CappedListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = make_company("Pangolin Systèmes")
        other = make_company("Tatou Labs")  # cited with it: the "souvent citées avec" list
        now = timezone.now()
        for i in range(25):
            make_article(f"Écailles {i}", published_at=now - timedelta(hours=i + 1), companies=[cls.company, other])

    def test_lists_over_the_cap_say_more_than_and_stop_there(self):
        """25 articles with a cap of 21: "plus de 21", a last page of one, then the archives."""
        with SMALL_CAP:
            home = self.client.get("/", {"page": "2"})
            company = self.client.get(self.company.get_absolute_url())
        self.assertContains(home, "Page 2 sur 2 (les 21 plus récents)")
        self.assertEqual(len(home.context["articles"]), 1)
        self.assertContains(home, "Plus anciens : les archives par date")
        self.assertContains(company, "plus de 21 articles")
        self.assertContains(company, "Comptés sur ses 21 articles les plus récents")

    def test_the_count_reads_at_most_the_cap(self):
        """The count query is LIMITed to the cap plus one row, whatever the list's length."""
        with SMALL_CAP, CaptureQueriesContext(connection) as queries:
            paginator = views.CappedPaginator(self.company.tagged_articles.order_by("pk"), 20)
            self.assertEqual((paginator.count, paginator.capped, paginator.num_pages), (21, True, 2))
        (count,) = [q["sql"] for q in queries]
        self.assertIn("LIMIT 22", count)

    def test_a_company_page_counts_its_list_with_the_ids_of_its_co_cited_companies(self):
        """The company page reads its latest ids once, for the capped count and the co-cited
        companies alike: no count query, and both still stop at the cap."""
        with SMALL_CAP, CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.company.get_absolute_url())
            paginator = response.context["page_obj"].paginator
            self.assertEqual((paginator.count, paginator.capped), (21, True))
        self.assertEqual(
            [dict(row) for row in response.context["co_cited"]],
            [{"tag__name": "Tatou Labs", "tag__slug": "tatou-labs", "count": 21}],
        )
        self.assertFalse([q["sql"] for q in queries if "COUNT(*)" in q["sql"].upper()])
        (walk,) = [q["sql"] for q in queries if "LIMIT 22" in q["sql"]]
        self.assertNotIn("OFFSET", walk)

    def test_a_company_pages_articles_are_picked_from_its_latest_ids(self):
        """Page 2 of a company (cap 21) shows its 21st newest article, found by id, not by an
        OFFSET walk down the list."""
        with SMALL_CAP, CaptureQueriesContext(connection) as queries:
            first = self.client.get(self.company.get_absolute_url())
            second = self.client.get(self.company.get_absolute_url(), {"page": "2"})
        self.assertEqual([a.title for a in first.context["articles"]], [f"Écailles {i}" for i in range(20)])
        self.assertEqual([a.title for a in second.context["articles"]], ["Écailles 20"])
        self.assertFalse([q["sql"] for q in queries if "OFFSET" in q["sql"]])

    def test_a_company_pages_articles_keep_the_date_order_whatever_their_ids(self):
        """Articles created in another order than their dates are still listed newest first."""
        company = make_company("Ordre Inverse")
        now = timezone.now()
        for title, hours in [("Milieu", 2), ("Récent", 1), ("Ancien", 3)]:
            make_article(title, published_at=now - timedelta(hours=hours), companies=[company])
        response = self.client.get(company.get_absolute_url())
        self.assertEqual([a.title for a in response.context["articles"]], ["Récent", "Milieu", "Ancien"])

    def test_month_archives_are_counted_and_paged_exactly(self):
        """A month is never capped: its 25 articles are counted, the cap of 21 notwithstanding."""
        march = datetime(2020, 3, 10, 12, tzinfo=UTC)
        for i in range(25):
            make_article(f"Mars {i}", published_at=march + timedelta(hours=i))
        with SMALL_CAP:
            response = self.client.get(reverse("articles:archive_month", kwargs={"year": 2020, "month": "03"}))
        self.assertEqual(response.context["page_obj"].paginator.count, 25)
        self.assertContains(response, "25 articles publiés")

    def test_lists_under_the_cap_count_exactly(self):
        """Under the cap nothing changes: the exact count, no "plus de"."""
        response = self.client.get(self.company.get_absolute_url())
        self.assertContains(response, "25 articles")
        self.assertNotContains(response, "plus de 25")
