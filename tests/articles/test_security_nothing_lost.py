"""Nothing lost: deleting a company says what it takes, merging is offered, failed saves leave no trace."""

from unittest import mock

from django.contrib.admin.models import LogEntry
from django.db import OperationalError
from django.test import TestCase
from django.urls import reverse

from articles import services
from articles.models import Article, Company, CompanyAlias, CompanySlugRedirect, RelatedLink, Section
from articles.roles import CONTRIBUTORS, EDITORS
from tests.admin_forms import form_data
from tests.factories import FAST_HASHER, make_article, make_company, make_link, make_staff, make_superuser


@FAST_HASHER
class CompanyDeletionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("paul", EDITORS)
        cls.contributor = make_staff("lea", CONTRIBUTORS)
        cls.microsoft = make_company("Microsoft", aliases=["Redmond"])
        cls.msft = make_company("Microsoft Corp.", aliases=["l'éditeur de Windows"])
        cls.openai = make_company("OpenAI")
        cls.first = make_article("Microsoft rachète une start-up", companies=[cls.msft])
        cls.second = make_article("Le cloud de Microsoft Corp. ralentit", companies=[cls.msft, cls.openai])
        cls.both = make_article("Microsoft et Microsoft Corp. confondus", companies=[cls.msft, cls.microsoft])
        cls.merge_url = reverse("admin:articles_company_merge")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_delete_page_lists_articles_by_title_and_offers_merge(self):
        """The delete confirmation names every article that loses the company and links to a merge."""
        response = self.client.get(reverse("admin:articles_company_delete", args=[self.msft.pk]))
        self.assertContains(response, "est citée par 3 articles")
        for article in (self.first, self.second, self.both):
            self.assertContains(response, reverse("admin:articles_article_change", args=[article.pk]))
            self.assertContains(response, article.title)
        self.assertContains(response, "perd cette entreprise")
        self.assertNotContains(response, f"{self.first.pk} – Microsoft Corp.")
        self.assertContains(response, f"{self.merge_url}?ids={self.msft.pk}")
        # Its monthly counts go too, silently: they are figures, not content an editor loses.
        self.assertNotContains(response, "Mois d")

    def test_delete_after_confirmation_strips_the_company(self):
        """Confirming the deletion removes the company from its articles, which stay."""
        response = self.client.post(reverse("admin:articles_company_delete", args=[self.openai.pk]), {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Company.objects.filter(pk=self.openai.pk).exists())
        self.assertEqual(list(self.second.companies.names()), ["Microsoft Corp."])

    def test_a_deleted_company_leaves_search_and_the_cached_pages(self):
        """After the deletion, its articles are no longer found by its name, its filter is refused
        and its page is gone, even where a reader's visit had stored them."""
        from django.test import Client

        from articles import search

        search.index_articles([self.second.pk])
        reader = Client()
        for url in ["/recherche/?q=openai", "/recherche/?q=cloud&entreprise=openai", "/entreprises/openai/"]:
            self.assertEqual(reader.get(url).status_code, 200, url)
        self.assertContains(reader.get("/recherche/?q=openai"), self.second.title)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("admin:articles_company_delete", args=[self.openai.pk]), {"post": "yes"})
        self.assertNotContains(reader.get("/recherche/?q=openai"), self.second.title)
        self.assertEqual(reader.get("/recherche/?q=cloud&entreprise=openai").status_code, 400)
        self.assertEqual(reader.get("/entreprises/openai/").status_code, 404)

    def test_bulk_delete_is_not_offered(self):
        """The change list offers merging, not a bulk delete that would skip the article list."""
        response = self.client.get(reverse("admin:articles_company_changelist"))
        self.assertNotContains(response, 'value="delete_selected"')
        self.assertContains(response, 'value="merge_selected"')

    def test_merge_in_two_steps(self):
        """Choosing a target shows what moves; confirming merges articles, aliases and the address."""
        step_one = self.client.get(self.merge_url, {"ids": str(self.msft.pk)})
        self.assertContains(step_one, "3 articles concernés")
        self.assertNotContains(step_one, f'<option value="{self.msft.pk}"')  # not into itself

        step_two = self.client.post(self.merge_url, {"ids": str(self.msft.pk), "into": self.microsoft.pk})
        self.assertContains(step_two, "Oui, fusionner dans Microsoft")
        self.assertTrue(Company.objects.filter(pk=self.msft.pk).exists())  # nothing done yet

        versions = dict(Article.objects.values_list("pk", "version"))
        done = self.client.post(
            self.merge_url, {"ids": str(self.msft.pk), "into": self.microsoft.pk, "confirmed": "True"}
        )
        self.assertRedirects(done, reverse("admin:articles_company_change", args=[self.microsoft.pk]))
        self.assertFalse(Company.objects.filter(pk=self.msft.pk).exists())
        for article in (self.first, self.second, self.both):
            self.assertIn("Microsoft", list(article.companies.names()))
            self.assertEqual(Article.objects.get(pk=article.pk).version, versions[article.pk] + 1)
        self.assertEqual(
            set(CompanyAlias.objects.filter(company=self.microsoft).values_list("name", flat=True)),
            {"Redmond", "l'éditeur de Windows", "Microsoft Corp."},
        )
        self.assertTrue(CompanySlugRedirect.objects.filter(old_slug=self.msft.slug, company=self.microsoft).exists())

    def test_merge_is_in_the_history(self):
        """The merge is recorded on the target company and on each article it touched."""
        self.client.post(self.merge_url, {"ids": str(self.msft.pk), "into": self.microsoft.pk, "confirmed": "True"})
        entries = LogEntry.objects.filter(change_message__contains="fusionnée dans « Microsoft »", user=self.editor)
        self.assertEqual(
            set(entries.values_list("object_id", flat=True)),
            {str(self.microsoft.pk), str(self.first.pk), str(self.second.pk), str(self.both.pk)},
        )

    def test_merge_action_goes_to_the_merge_page(self):
        """Selecting companies and running the action leads to the merge page for them."""
        response = self.client.post(
            reverse("admin:articles_company_changelist"),
            {"action": "merge_selected", "_selected_action": [self.msft.pk, self.openai.pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertIn(self.merge_url, response["Location"])
        page = self.client.get(response["Location"])
        self.assertContains(page, "Microsoft Corp.")
        self.assertContains(page, "OpenAI")

    def test_merge_needs_permission(self):
        """A contributor cannot merge (403) and nothing moves."""
        self.client.force_login(self.contributor)
        response = self.client.post(
            self.merge_url, {"ids": str(self.msft.pk), "into": self.microsoft.pk, "confirmed": "True"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertTrue(Company.objects.filter(pk=self.msft.pk).exists())

    def test_merge_with_nonsense_ids_is_a_message_not_an_error(self):
        """Garbage in the ids parameter leads back to the list with a message, never a 500."""
        for ids in ["", "abc", "0", "99999999999999999999999", "1\x00", ",,,"]:
            with self.subTest(ids=ids):
                response = self.client.get(self.merge_url, {"ids": ids})
                self.assertEqual(response.status_code, 302)

    def test_merge_into_itself_refused(self):
        """Picking the source itself as the target is refused by the form."""
        response = self.client.post(
            self.merge_url, {"ids": str(self.msft.pk), "into": self.msft.pk, "confirmed": "True"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(Company.objects.filter(pk=self.msft.pk).exists())


@FAST_HASHER
class FailedSaveLeavesNoTraceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_superuser("chef")
        cls.article = make_article(
            "Titre d'origine",
            sections=(("", "Un."), ("Deux", "Deux."), ("Trois", "Trois.")),
            companies=["Mistral"],
        )
        make_link(cls.article, title="Lien d'origine", url="https://exemple.fr/origine")

    def state(self):
        article = Article.objects.get(pk=self.article.pk)
        return (
            {f: getattr(article, f) for f in ("title", "slug", "standfirst", "version", "updated_at")},
            list(Section.objects.filter(article=article).values_list("id", "position", "heading", "body")),
            list(RelatedLink.objects.filter(article=article).values_list("id", "position", "title", "url")),
            sorted(article.companies.names()),
        )

    def test_failure_in_the_third_inline_rolls_everything_back(self):
        """A database error on the third section leaves the article, its inlines and companies as they were."""
        self.client.force_login(self.editor)
        url = reverse("admin:articles_article_change", args=[self.article.pk])
        data = form_data(self.client.get(url).content.decode(), "article_form")
        data.update(
            {
                "title": ["Titre changé"],
                "companies": ["OpenAI"],
                "sections-0-body": ["Un, modifié."],
                "sections-1-body": ["Deux, modifié."],
                "sections-2-body": ["Trois, modifié."],
                "related_links-0-title": ["Lien modifié"],
            }
        )
        before = self.state()
        real_save = Section.save
        calls = []

        def failing_save(section, *args, **kwargs):
            calls.append(section.pk)
            if len(calls) == 3:
                raise OperationalError("could not extend file: No space left on device")
            return real_save(section, *args, **kwargs)

        self.client.raise_request_exception = False
        with (
            mock.patch.object(Section, "save", failing_save),
            mock.patch.object(services.search, "index_articles") as index,
            mock.patch.object(services.page_cache, "purge_articles") as purge,
            self.captureOnCommitCallbacks(execute=True) as callbacks,
        ):
            response = self.client.post(url, data)
        self.assertEqual(response.status_code, 500)
        self.assertEqual(len(calls), 3)
        self.assertEqual(self.state(), before)
        self.assertEqual(callbacks, [])
        index.assert_not_called()
        purge.assert_not_called()
        self.assertFalse(Company.objects.filter(name="OpenAI").exists())
