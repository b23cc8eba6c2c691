"""No lost edits: two editors saving the same article, through the real admin forms."""

import json
import random
import threading

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.test import TestCase, TransactionTestCase, skipUnlessDBFeature
from django.urls import reverse

from articles import concurrency
from articles.models import Article
from tests.admin_forms import form_data
from tests.factories import FAST_HASHER, make_article, make_company, make_link, make_superuser

REFUSED = "Vos modifications n'ont PAS été enregistrées"


class Editor:
    """One editor in a browser: loads the change form, edits values, posts it back."""

    def __init__(self, test, user):
        self.client = test.client_class()
        self.client.force_login(user)

    def load(self, article):
        self.url = reverse("admin:articles_article_change", args=[article.pk])
        response = self.client.get(self.url)
        assert response.status_code == 200
        self.data = form_data(response.content.decode(), "article_form")
        self.data.pop("_addanother", None)
        return self.data

    def save(self):
        return self.client.post(self.url, self.data)


def state(article_pk):
    return concurrency.article_snapshot(Article.objects.get(pk=article_pk))


def errors_text(response):
    return " ".join(str(e) for e in response.context["adminform"].form.non_field_errors())


@FAST_HASHER
class ConflictTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.claire = make_superuser("claire")
        cls.marc = make_superuser("marc")
        cls.microsoft = make_company("Microsoft")
        cls.article = make_article(
            "OpenAI et Microsoft revoient leur accord",
            sections=(("", "Ouverture du papier."), ("Copilot impacté ?", "Le détail.")),
            companies=[cls.microsoft],
        )
        cls.link = make_link(cls.article, title="Le communiqué", url="https://exemple.fr/communique")

    def setUp(self):
        self.first = Editor(self, self.claire)
        self.second = Editor(self, self.marc)
        self.first.load(self.article)
        self.second.load(self.article)

    def assert_refused(self, response):
        self.assertEqual(response.status_code, 200)
        text = errors_text(response)
        self.assertIn(REFUSED, text)
        return text

    def test_second_save_is_refused_and_first_kept(self):
        """The second of two concurrent saves is refused; the first editor's title survives."""
        self.first.data["title"] = ["Titre corrigé par Claire"]
        self.assertEqual(self.first.save().status_code, 302)
        self.second.data["byline"] = ["Marc"]
        text = self.assert_refused(self.second.save())
        self.assertIn("Titre corrigé par Claire", text)
        self.assertIn("par claire", text)
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "Titre corrigé par Claire")
        self.assertEqual(self.article.byline, "")

    def test_section_only_change_is_detected(self):
        """An edit of one section's text alone makes a concurrent save refused, naming the section."""
        self.first.data["sections-1-body"] = ["Le détail, corrigé."]
        self.assertEqual(self.first.save().status_code, 302)
        self.second.data["title"] = ["Autre titre"]
        text = self.assert_refused(self.second.save())
        self.assertIn("Section « Copilot impacté ? » : texte", text)
        self.assertEqual(Article.objects.get(pk=self.article.pk).title, "OpenAI et Microsoft revoient leur accord")

    def test_added_link_is_detected(self):
        """Adding a "Pour aller plus loin" link alone makes a concurrent save refused."""
        data = self.first.data
        data["related_links-TOTAL_FORMS"] = ["2"]
        data.update(
            {
                "related_links-1-id": [""],
                "related_links-1-article": [str(self.article.pk)],
                "related_links-1-position": ["2"],
                "related_links-1-title": ["Une analyse"],
                "related_links-1-url": ["https://exemple.fr/analyse"],
            }
        )
        self.assertEqual(self.first.save().status_code, 302)
        text = self.assert_refused(self.second.save())
        self.assertIn("Lien « Pour aller plus loin » ajouté : « Une analyse »", text)
        self.assertEqual(self.article.related_links.count(), 2)

    def test_company_change_is_detected(self):
        """Adding a company alone makes a concurrent save refused, and the list says which."""
        self.first.data["companies"] = [str(self.microsoft.pk), "OpenAI"]
        self.assertEqual(self.first.save().status_code, 302)
        self.second.data["companies"] = []
        text = self.assert_refused(self.second.save())
        self.assertIn("Entreprises : ajoutée(s) OpenAI", text)
        self.assertEqual(sorted(self.article.companies.names()), ["Microsoft", "OpenAI"])

    def test_publication_in_between_is_detected(self):
        """A publish/unpublish action between load and save also refuses the stale save."""
        changelist = reverse("admin:articles_article_changelist")
        response = self.first.client.post(changelist, {"action": "unpublish", "_selected_action": [self.article.pk]})
        self.assertEqual(response.status_code, 302)
        text = self.assert_refused(self.second.save())
        self.assertIn("Statut", text)
        self.assertEqual(Article.objects.get(pk=self.article.pk).status, Article.Status.DRAFT)

    def test_reloading_then_saving_keeps_both_edits(self):
        """After a refusal, the editor reloads, re-applies the edit and saves: both edits are kept."""
        self.first.data["title"] = ["Titre de Claire"]
        self.first.save()
        self.second.data["byline"] = ["Marc"]
        self.assert_refused(self.second.save())
        self.second.load(self.article)
        self.second.data["byline"] = ["Marc"]
        self.assertEqual(self.second.save().status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual((self.article.title, self.article.byline), ("Titre de Claire", "Marc"))

    def test_each_save_bumps_the_version_even_inline_only(self):
        """Every admin save increments the version, including one that changes only a section."""
        before = Article.objects.get(pk=self.article.pk).version
        self.first.data["sections-0-body"] = ["Ouverture réécrite."]
        self.first.save()
        self.assertEqual(Article.objects.get(pk=self.article.pk).version, before + 1)

    def test_tampered_snapshot_still_refused(self):
        """A forged loaded_state cannot hide a conflict: the version alone refuses the save."""
        self.first.save()
        self.second.data["loaded_state"] = ["forged"]
        self.assert_refused(self.second.save())

    def test_missing_version_refused(self):
        """A post without the loaded version (an old tab, a script) is refused rather than trusted."""
        del self.second.data["loaded_version"]
        self.assert_refused(self.second.save())

    def test_history_records_who_changed_what(self):
        """The admin history has the save with the editor's name and the inline that changed."""
        self.first.data["sections-1-heading"] = ["Copilot concerné"]
        self.first.save()
        entry = LogEntry.objects.filter(object_id=str(self.article.pk), action_flag=CHANGE).latest("action_time")
        self.assertEqual(entry.user, self.claire)
        self.assertIn("section", entry.get_change_message().lower())
        history = self.first.client.get(reverse("admin:articles_article_history", args=[self.article.pk]))
        self.assertContains(history, "claire")

    def test_publish_action_is_logged(self):
        """Publishing or unpublishing through the admin action leaves a history entry."""
        changelist = reverse("admin:articles_article_changelist")
        self.first.client.post(changelist, {"action": "unpublish", "_selected_action": [self.article.pk]})
        entry = LogEntry.objects.filter(object_id=str(self.article.pk)).latest("action_time")
        self.assertEqual(entry.user, self.claire)
        self.assertIn("Dépublié", entry.get_change_message())


# --- 100 randomised pairs ---------------------------------------------------------------------


def edit_title(data, token, rng):
    data["title"] = [f"Titre {token}"]
    return lambda snap: snap["fields"]["title"] == f"Titre {token}"


def edit_byline(data, token, rng):
    data["byline"] = [token]
    return lambda snap: snap["fields"]["byline"] == token


def edit_standfirst(data, token, rng):
    data["standfirst"] = [f"Chapô {token}"]
    return lambda snap: snap["fields"]["standfirst"] == f"Chapô {token}"


def edit_section_body(data, token, rng):
    index = rng.randrange(int(data["sections-TOTAL_FORMS"][0]))
    data[f"sections-{index}-body"] = [f"Paragraphe {token}"]
    return lambda snap: any(s["body"] == f"Paragraphe {token}" for s in snap["sections"].values())


def add_section(data, token, rng):
    n = int(data["sections-TOTAL_FORMS"][0])
    data["sections-TOTAL_FORMS"] = [str(n + 1)]
    data.update(
        {
            f"sections-{n}-id": [""],
            f"sections-{n}-article": data["sections-0-article"],
            f"sections-{n}-position": [str(n + 1)],
            f"sections-{n}-heading": [f"Intertitre {token}"],
            f"sections-{n}-body": [f"Texte {token}"],
        }
    )
    return lambda snap: any(s["heading"] == f"Intertitre {token}" for s in snap["sections"].values())


def add_link(data, token, rng):
    n = int(data["related_links-TOTAL_FORMS"][0])
    data["related_links-TOTAL_FORMS"] = [str(n + 1)]
    data.update(
        {
            f"related_links-{n}-id": [""],
            f"related_links-{n}-article": data["sections-0-article"],
            f"related_links-{n}-position": [str(n + 1)],
            f"related_links-{n}-title": [f"Lien {token}"],
            f"related_links-{n}-url": [f"https://exemple.fr/{token}"],
        }
    )
    return lambda snap: any(link["title"] == f"Lien {token}" for link in snap["links"].values())


def add_company(data, token, rng):
    data["companies"] = [*data.get("companies", []), f"Entreprise {token}"]
    return lambda snap: f"Entreprise {token}" in snap["companies"]


ADDITIONS = {add_section, add_link, add_company}
EDITS = [edit_title, edit_byline, edit_standfirst, edit_section_body, add_section, add_link, add_company]


@FAST_HASHER
class RandomisedPairsTests(TestCase):
    pairs = 100

    @classmethod
    def setUpTestData(cls):
        cls.editors = [make_superuser("claire"), make_superuser("marc")]

    def test_no_lost_update_in_randomised_pairs(self):
        """In 100 random pairs of concurrent edits, the first save wins whole and the second never lands."""
        rng = random.Random(20261126)
        editors = [Editor(self, user) for user in self.editors]
        for pair in range(self.pairs):
            # A fresh article every ten pairs keeps the forms the size of a real article.
            if pair % 10 == 0:
                self.article = make_article(
                    f"Article disputé {pair}", sections=(("", "Ouverture."), ("Suite", "Texte.")), companies=["Mistral"]
                )
                make_link(self.article, title="Déjà là", url="https://exemple.fr/deja")
            for editor in editors:
                editor.load(self.article)
            rng.shuffle(editors)
            winner, loser = editors
            version = Article.objects.get(pk=self.article.pk).version
            win_edit = rng.choice(EDITS)
            win_applied = win_edit(winner.data, f"g{pair}", rng)
            lose_applied = rng.choice(EDITS)(loser.data, f"p{pair}", rng)

            self.assertEqual(winner.save().status_code, 302, f"pair {pair}")
            response = loser.save()
            self.assertEqual(response.status_code, 200, f"pair {pair}")
            self.assertIn(REFUSED, errors_text(response))

            snap = state(self.article.pk)
            self.assertTrue(win_applied(snap), f"pair {pair}: the first save was lost")
            self.assertFalse(lose_applied(snap), f"pair {pair}: the refused save landed")
            self.assertEqual(Article.objects.get(pk=self.article.pk).version, version + 1)

            # Half the time the refused editor reloads and redoes an edit: now it lands, and the
            # first editor's edit survives unless the new one deliberately rewrote the same value.
            if rng.random() < 0.5:
                loser.load(self.article)
                redo_edit = rng.choice(EDITS)
                redo_applied = redo_edit(loser.data, f"r{pair}", rng)
                self.assertEqual(loser.save().status_code, 302, f"pair {pair}")
                snap = state(self.article.pk)
                self.assertTrue(redo_applied(snap), json.dumps(snap)[:500])
                if redo_edit is not win_edit or redo_edit in ADDITIONS:
                    self.assertTrue(win_applied(snap), json.dumps(snap)[:500])


# --- Real simultaneity ------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks across connections (PostgreSQL)")
@FAST_HASHER
class SimultaneousSavesTests(TransactionTestCase):
    """Two threads, two database connections, posting at the same moment."""

    @skipUnlessDBFeature("has_select_for_update")
    def test_exactly_one_of_two_simultaneous_saves_lands(self):
        """With both posts released together, one lands and the other is refused, ten times over."""
        users = [make_superuser("claire"), make_superuser("marc")]
        article = make_article("Article disputé en même temps")
        for round_number in range(10):
            editors = [Editor(self, user) for user in users]
            for editor in editors:
                editor.load(article)
            editors[0].data["title"] = [f"Titre A{round_number}"]
            editors[1].data["title"] = [f"Titre B{round_number}"]
            barrier = threading.Barrier(2)
            statuses = {}

            def post(editor, key, barrier=barrier, statuses=statuses):
                barrier.wait()
                try:
                    statuses[key] = editor.save().status_code
                finally:
                    connection.close()

            threads = [threading.Thread(target=post, args=(e, i)) for i, e in enumerate(editors)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            self.assertEqual(sorted(statuses.values()), [200, 302])
            winner = 0 if statuses[0] == 302 else 1
            article.refresh_from_db()
            self.assertEqual(article.title, f"Titre {'AB'[winner]}{round_number}")
