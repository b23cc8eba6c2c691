"""Archive search on the test corpus: the same hits on SQLite and PostgreSQL (CI runs this file
on both), ranking, snippets, facets, suggestions, pages, JSON, freshness and query counts."""

from datetime import date, timedelta

import time_machine
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, Company, SearchTerm, Section
from articles.search import MAX_RESULTS, SearchRequest, index_articles, rebuild_index, search
from articles.search.backends import fetch_batch
from tests.articles.search_corpus import EXPECTED, MICROSOFT, load_corpus
from tests.factories import make_article, make_company


def slugs(results) -> list[str]:
    return [hit.article.slug for hit in results.hits]


def find(text: str, **options) -> list[str]:
    return slugs(search(SearchRequest(text=text, **options)))


class CorpusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.articles = load_corpus()

    def test_expected_hits_for_every_query(self):
        """Accents, elisions, stems, aliases, phrases, exclusion, OR and stop words give the expected sets."""
        for query, expected in EXPECTED.items():
            with self.subTest(query=query):
                self.assertEqual(set(find(query)), expected)

    def test_distinctive_queries_find_the_meant_article_first(self):
        """ "emanciper", "l’éditeur de Windows", "investissement" or a phrase put the meant article first."""
        cases = {
            "emanciper": "openai-emancipation",
            "l’éditeur de Windows": "faille-corrigee",
            "investissement": "microsoft-investissements-cloud",
            '"accord d’exclusivité liait"': "openai-emancipation",
            "processeurs graphiques pénurie": "nvidia-puces",
        }
        for query, slug in cases.items():
            with self.subTest(query=query):
                self.assertEqual(find(query)[0], slug)

    def test_title_ranks_above_company_and_standfirst_above_body(self):
        """Title beats company names and standfirst, which beat body text, even when newer."""
        company = make_company("Kangourou Conseil")
        day = timezone.now() - timedelta(days=1)
        in_body = make_article("Semaine chargée", slug="k-body", published_at=day, sections=(("", "Un kangourou."),))
        in_standfirst = make_article(
            "Semaine calme", slug="k-standfirst", published_at=day - timedelta(days=1), standfirst="Le kangourou."
        )
        in_company = make_article("Semaine agitée", slug="k-company", published_at=day, companies=[company])
        in_title = make_article("Le kangourou bondit", slug="k-title", published_at=day - timedelta(days=9))
        index_articles([in_body.pk, in_standfirst.pk, in_company.pk, in_title.pk])
        hits = find("kangourou")
        self.assertEqual(hits[0], "k-title")
        self.assertEqual(set(hits[1:3]), {"k-standfirst", "k-company"})
        self.assertEqual(hits[3], "k-body")
        # "cloud" in two titles, then in a standfirst only.
        self.assertEqual(find("cloud"), ["cloud-souverain", "microsoft-investissements-cloud", "nvidia-puces"])

    def test_ties_are_broken_by_date_newest_first(self):
        """Articles equal in relevance come newest first."""
        older = make_article("Girafe savante", published_at=timezone.now() - timedelta(days=30))
        newer = make_article("Girafe savante", published_at=timezone.now() - timedelta(days=3))
        index_articles([older.pk, newer.pk])
        self.assertEqual(find("girafe"), [newer.slug, older.slug])

    def test_sort_by_date(self):
        """tri=date lists the matches newest first whatever their relevance."""
        hits = find("microsoft", sort="date")
        dates = [Article.objects.get(slug=s).published_at for s in hits]
        self.assertEqual(dates, sorted(dates, reverse=True))
        self.assertEqual(set(hits), MICROSOFT)

    def test_company_filter_is_exact_and_combinable(self):
        """entreprise=<slug> keeps articles tagged with it; several must all be tagged."""
        orange = Company.objects.get(slug="orange")
        microsoft = Company.objects.get(slug="microsoft")
        self.assertEqual(find("cloud", companies=[orange]), ["cloud-souverain"])
        self.assertEqual(set(find("microsoft", companies=[microsoft, orange])), {"cloud-souverain"})
        # "orange" in a text does not make an article tagged Orange.
        self.assertEqual(find("redmond", companies=[orange]), ["cloud-souverain"])

    def test_date_filters_include_both_days(self):
        """du and au bound the publication date, both days included."""
        hits = find("microsoft", date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
        self.assertEqual(set(hits), {"microsoft-investissements-cloud", "inflection-equipe", "nvidia-puces"})
        self.assertEqual(
            find("microsoft", date_from=date(2024, 5, 3), date_to=date(2024, 5, 3)), ["microsoft-investissements-cloud"]
        )

    def test_snippet_highlights_the_best_section_and_links_to_its_anchor(self):
        """The snippet comes from the section matching best, with <mark>, linking to its anchor."""
        hit = search(SearchRequest(text="exclusivité hébergement")).hits[0]
        self.assertEqual(hit.article.slug, "openai-emancipation")
        self.assertTrue(hit.snippet.url.endswith("/#un-accord-revu"), hit.snippet.url)
        self.assertIn("<mark>exclusivité</mark>", hit.snippet.html)
        self.assertIn("<mark>hébergement</mark>", hit.snippet.html)
        self.assertEqual(hit.snippet.heading, "Un accord revu")

    def test_snippet_escapes_the_article_text(self):
        """Markup in the text is escaped in snippets; only our <mark> tags are HTML."""
        html = search(SearchRequest(text="esperluette")).hits[0].snippet.html
        self.assertIn("&lt;b&gt;gras&lt;/b&gt; &amp; <mark>esperluette</mark>", html)
        response = self.client.get(reverse("search:results"), {"q": "script"})
        self.assertNotIn(b"<script>alert", response.content)
        self.assertIn(b"&lt;script&gt;alert(1)&lt;/script&gt;", response.content)

    def test_facets_count_companies_and_years_of_the_matches(self):
        """Facets give per-company and per-year counts for the current query."""
        results = search(SearchRequest(text="microsoft"))
        companies = {f.value: f.count for f in results.company_facets}
        self.assertEqual(companies["microsoft"], 6)
        self.assertEqual(companies["orange"], 1)
        years = {f.value: f.count for f in results.year_facets}
        self.assertEqual(years, {"2025": 1, "2024": 3, "2022": 2})

    def test_typo_suggestions_come_from_company_names_and_vocabulary(self):
        """ "Microsfot" suggests Microsoft, "Inflexion" Inflection, "devloppeurs" a word of the archive."""
        self.assertEqual(search(SearchRequest(text="Microsfot")).suggestion, "Microsoft")
        self.assertEqual(search(SearchRequest(text="Inflexion")).suggestion, "Inflection")
        self.assertEqual(search(SearchRequest(text="devloppeurs")).suggestion, "développeurs")
        self.assertIsNone(search(SearchRequest(text="microsoft")).suggestion)

    def test_scheduled_article_appears_at_its_time_without_reindexing(self):
        """A scheduled article is invisible until due, then found with no index job."""
        self.assertEqual(find("téléportation"), [])
        with time_machine.travel(timezone.now() + timedelta(days=11)):
            self.assertEqual(find("téléportation"), ["annonce-programmee"])

    def test_only_exclusions_or_no_word_give_a_french_message(self):
        """A query with nothing to search explains why instead of failing."""
        self.assertIn("exclusion", search(SearchRequest(text="-microsoft")).message)
        self.assertIn("aucun mot", search(SearchRequest(text="!&|:*()<>")).message)

    def test_results_page(self):
        """The page shows the count, highlighted snippets, facet links and the sort link."""
        response = self.client.get(reverse("search:results"), {"q": "microsoft"})
        self.assertContains(response, "6 résultats")
        self.assertContains(
            self.client.get(reverse("search:results"), {"q": "correctif"}), "<mark>correctif</mark>", html=False
        )
        self.assertContains(response, "?q=microsoft&amp;entreprise=orange")
        self.assertContains(response, "?q=microsoft&amp;du=2024-01-01&amp;au=2024-12-31")
        self.assertContains(response, "?q=microsoft&amp;tri=date")
        self.assertContains(response, 'role="search"')

    def test_results_page_suggestion(self):
        """A typo gives "Vouliez-vous dire" with a link to the corrected search."""
        response = self.client.get(reverse("search:results"), {"q": "Microsfot"})
        self.assertContains(response, 'Vouliez-vous dire : <a href="?q=Microsoft">Microsoft</a> ?', html=False)

    def test_bad_parameters_give_400_with_a_french_message(self):
        """Invalid dates, pages, sorts or companies are a 400 that says what is wrong."""
        cases = {
            "du": ("2024-13-01", "Date de début invalide"),
            "au": ("hier", "Date de fin invalide"),
            "page": ("abc", "Numéro de page invalide"),
            "tri": ("hasard", "Tri inconnu"),
            "entreprise": ("inconnue", "Entreprise inconnue"),
        }
        for name, (value, message) in cases.items():
            with self.subTest(name=name):
                response = self.client.get(reverse("search:results"), {"q": "cloud", name: value})
                self.assertContains(response, message, status_code=400)
                api = self.client.get(reverse("search:api"), {"q": "cloud", name: value})
                self.assertEqual(api.status_code, 400)

    def test_json_api(self):
        """/api/recherche/ returns absolute URLs, snippets, facets and pagination."""
        response = self.client.get(reverse("search:api"), {"q": "redmond", "entreprise": "orange"})
        data = response.json()
        self.assertEqual(data["total"], 1)
        result = data["results"][0]
        self.assertEqual(result["url"], "http://testserver/articles/cloud-souverain/")
        self.assertTrue(result["snippet_url"].startswith("http://testserver/"))
        self.assertEqual(result["companies"][0]["url"].split("/")[-2], "microsoft")
        self.assertEqual(
            data["facets"]["years"], [{"year": 2022, "count": 1, "url": data["facets"]["years"][0]["url"]}]
        )
        self.assertIn("entreprise=orange", data["facets"]["years"][0]["url"])
        self.assertIsNone(data["next"])

    def test_header_search_box_on_every_page(self):
        """Every page's header has a labelled search form pointing at /recherche/."""
        response = self.client.get(reverse("articles:home"))
        self.assertContains(response, 'role="search"')
        self.assertContains(response, 'action="/recherche/"')
        self.assertContains(response, '<label for="Recherche-entete"', html=False)


class FetchBatchTests(TestCase):
    def test_each_statement_gets_its_own_rows_in_order_in_one_round_trip_on_postgresql(self):
        """fetch_batch gives each statement its rows (none for one that matches nothing), with
        its own parameters, in one round trip on PostgreSQL and one query each on SQLite."""
        statements = [("SELECT %s, %s", [1, "un"]), ("SELECT 2 WHERE 1 = %s", [0]), ("SELECT %s", ["trois"])]
        with CaptureQueriesContext(connection) as queries:
            rows = fetch_batch(statements)
        self.assertEqual(rows, [[(1, "un")], [], [("trois",)]])
        self.assertEqual(len(queries), 1 if connection.vendor == "postgresql" else 3)


class PaginationAndCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.many = [make_article(f"Tournesol numéro {i}") for i in range(50)]
        cls.one = make_article("Un seul pissenlit")
        rebuild_index()

    def test_query_count_is_the_same_for_1_and_50_results(self):
        """The results page costs the same number of queries with 1 result and with 50."""
        with CaptureQueriesContext(connection) as one:
            self.client.get(reverse("search:results"), {"q": "pissenlit"})
        with CaptureQueriesContext(connection) as many:
            self.client.get(reverse("search:results"), {"q": "tournesol"})
        self.assertEqual(len(one), len(many))
        with self.assertNumQueries(len(one)):
            self.client.get(reverse("search:results"), {"q": "tournesol", "page": 3})

    def test_pages(self):
        """50 matches make 3 pages of 20, 20 and 10, with next and previous links."""
        first = search(SearchRequest(text="tournesol"))
        self.assertEqual((first.total, first.num_pages, len(first.hits)), (50, 3, 20))
        last = search(SearchRequest(text="tournesol", page=3))
        self.assertEqual(len(last.hits), 10)
        seen = set(slugs(first)) | set(slugs(search(SearchRequest(text="tournesol", page=2)))) | set(slugs(last))
        self.assertEqual(len(seen), 50)
        response = self.client.get(reverse("search:results"), {"q": "tournesol", "page": 2})
        self.assertContains(response, 'href="?q=tournesol&amp;page=3"')
        self.assertContains(response, 'href="?q=tournesol"')

    def test_page_beyond_the_cap_is_refused(self):
        """Pages past the result cap are a 400 explaining the limit."""
        response = self.client.get(reverse("search:results"), {"q": "tournesol", "page": MAX_RESULTS})
        self.assertContains(response, "au plus", status_code=400)


class FreshnessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser("editrice", "e@example.org", "mot-de-passe-solide")
        cls.company = make_company("Contoso", aliases=["la firme fictive"])
        cls.article = make_article(
            "Un article à modifier", slug="a-modifier", sections=(("", "Texte initial."),), companies=[cls.company]
        )
        rebuild_index()

    def admin_post(self, **changes):
        article = Article.objects.get(pk=self.article.pk)
        section = article.sections.get()
        data = {
            "title": article.title,
            "slug": article.slug,
            "standfirst": "",
            "byline": "",
            "companies": [self.company.pk],
            "status": "published",
            "published_at_0": timezone.localtime(article.published_at).strftime("%d/%m/%Y"),
            "published_at_1": timezone.localtime(article.published_at).strftime("%H:%M:%S"),
            "loaded_version": article.version,
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "1",
            "sections-MIN_NUM_FORMS": "1",
            "sections-MAX_NUM_FORMS": "1000",
            "sections-0-id": section.pk,
            "sections-0-article": article.pk,
            "sections-0-position": "1",
            "sections-0-heading": "",
            "sections-0-body": "Texte initial.",
            "related_links-TOTAL_FORMS": "0",
            "related_links-INITIAL_FORMS": "0",
            "related_links-MIN_NUM_FORMS": "0",
            "related_links-MAX_NUM_FORMS": "1000",
        }
        data.update(changes)
        self.client.force_login(self.editor)
        return self.client.post(reverse("admin:articles_article_change", args=[article.pk]), data)

    def test_admin_inline_edit_is_searchable_after_commit_only(self):
        """Editing a section in the admin reaches search when the transaction commits, not before."""
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            response = self.admin_post(**{"sections-0-body": "Un mot nouveau : ornithorynque."})
        self.assertEqual(
            response.status_code, 302, getattr(response, "context", None) and response.context.get("errors")
        )
        self.assertEqual(find("ornithorynque"), [])
        for callback in callbacks:
            callback()
        self.assertEqual(find("ornithorynque"), ["a-modifier"])
        self.assertEqual(find("initial"), [])

    def test_company_alias_edit_reaches_its_articles(self):
        """A new alias of a tagged company finds its articles once saved in the admin."""
        with self.captureOnCommitCallbacks(execute=True):
            services.company_record_slug(company=self.company, previous_slug=self.company.slug)
            self.company.aliases.create(name="Sociéte Imaginaire")
        self.assertEqual(find("imaginaire"), ["a-modifier"])

    def test_unpublish_and_delete_leave_search(self):
        """Unpublished and deleted articles disappear from search."""
        self.assertEqual(find("initial"), ["a-modifier"])
        with self.captureOnCommitCallbacks(execute=True):
            services.article_unpublish(article=self.article)
        self.assertEqual(find("initial"), [])
        with self.captureOnCommitCallbacks(execute=True):
            services.article_publish(article=self.article)
        self.assertEqual(find("initial"), ["a-modifier"])
        pk = self.article.pk
        Article.objects.filter(pk=pk).delete()
        index_articles([pk])
        self.assertEqual(find("initial"), [])


class RollbackTests(TransactionTestCase):
    def test_rolled_back_save_leaves_the_index_untouched(self):
        """A save rolled back never reaches the index: the refresh runs only on commit."""
        article = make_article("Sujet stable", sections=(("", "Avant."),))
        index_articles([article.pk])
        try:
            with transaction.atomic():
                Section.objects.filter(article=article).update(body="Après : hippocampe.")
                services.article_saved(article=article)
                raise RuntimeError("abandon")
        except RuntimeError:
            pass
        self.assertEqual(find("hippocampe"), [])
        self.assertEqual(find("avant"), [article.slug])


class ParallelRebuildTests(TransactionTestCase):
    """Forked processes open their own connections: the articles must be committed."""

    def test_processes_index_the_same_documents_and_vocabulary_as_one(self):
        """rebuild_search_index --workers 2 gives the same hits and frequencies as one process."""
        from django.core.management import CommandError, call_command

        # 25 articles in batches of one: two ranges of 20 batches, one per process.
        for i in range(25):
            make_article(f"Tatou {i}", sections=(("", f"Le tatou numéro {i} creuse."),))
        if connection.vendor != "postgresql":
            with self.assertRaisesMessage(CommandError, "PostgreSQL seulement"):
                call_command("rebuild_search_index", "--workers", "2", verbosity=0)
            return
        call_command("rebuild_search_index", "--batch-size", "1", verbosity=0)

        def state():
            results = search(SearchRequest(text="tatou"))
            vocabulary = SearchTerm.objects.order_by("term").values_list("term", "display", "frequency")
            return results.total, slugs(results), list(vocabulary)

        serial = state()
        call_command("rebuild_search_index", "--batch-size", "1", "--workers", "2", verbosity=0)
        self.assertEqual(serial[0], 25)
        self.assertEqual(state(), serial)

    def test_processes_are_refused_inside_a_transaction_before_anything_is_dropped(self):
        """Forked processes cannot see an open transaction: the rebuild refuses and the index stays."""
        make_article("Tatou solitaire", sections=(("", "Un tatou."),))
        rebuild_index()
        with transaction.atomic():
            with self.assertRaisesMessage(ValueError, "Plusieurs processus"):
                rebuild_index(workers=2)
            self.assertEqual(len(find("tatou")), 1)


class RebuildTests(TestCase):
    def test_rebuild_command_indexes_everything_and_counts_vocabulary(self):
        """rebuild_search_index indexes every article and records word frequencies."""
        from django.core.management import call_command

        for i in range(5):
            make_article(f"Pangolin {i}", sections=(("", "Le pangolin mange des fourmis."),))
        call_command("rebuild_search_index", "--batch-size", "2", verbosity=0)
        self.assertEqual(len(find("pangolin")), 5)
        self.assertEqual(SearchTerm.objects.get(term="pangolin").frequency, 5)


def test_a_hit_card_escapes_every_value_and_keeps_the_snippet_markup():
    """A card is the template's markup: escaped title, byline, heading and company, the
    snippet's <mark> kept, links to the article, its section and its companies."""
    import datetime
    from types import SimpleNamespace

    from django.utils.safestring import mark_safe

    from articles.search.cards import hit_cards
    from articles.search.snippets import Snippet

    article = SimpleNamespace(
        slug="accord-cloud",
        title="<b>Accord</b> & cloud",
        byline='Claire "Dubois"',
        published_at=datetime.datetime(2024, 3, 5, 9, 30, tzinfo=datetime.UTC),
        card_companies=[SimpleNamespace(slug="openai", name="Open<AI>")],
    )
    snippet = Snippet(mark_safe("un <mark>accord</mark> revu"), "/articles/accord-cloud/#suite", "Suite & fin")
    card = hit_cards([SimpleNamespace(article=article, snippet=snippet)])
    article_url = reverse("articles:article_detail", kwargs={"slug": "accord-cloud"})
    company_url = reverse("articles:company_detail", kwargs={"slug": "openai"})
    assert card == (
        f'<li class="search-hit"><h3 class="search-hit-title"><a href="{article_url}">&lt;b&gt;Accord&lt;/b&gt; '
        '&amp; cloud</a></h3><p class="card-meta"><time datetime="2024-03-05T10:30:00+01:00">5 mars 2024</time>'
        ' · Claire &quot;Dubois&quot;</p><p class="search-snippet"><a href="/articles/accord-cloud/#suite">'
        '<span class="search-snippet-section">Suite &amp; fin :</span> un <mark>accord</mark> revu</a></p>'
        f'<ul class="tags" aria-label="Entreprises"><li><a href="{company_url}">Open&lt;AI&gt;</a></li></ul></li>'
    )
