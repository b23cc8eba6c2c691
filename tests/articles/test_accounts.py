"""Editors' accounts: login throttling, password rules, and the contributor/editor roles."""

from datetime import timedelta

import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Company
from articles.roles import CONTRIBUTORS, EDITORS, ensure_roles
from tests.admin_forms import form_data
from tests.factories import FAST_HASHER, PASSWORD, make_article, make_company, make_staff


@FAST_HASHER
class LoginThrottlingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("claire", "claire@example.org", PASSWORD, is_staff=True)

    def attempt(self, password, ip="203.0.113.7", username="claire"):
        return self.client.post(reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)

    def fail(self, times, **kwargs):
        """Send ``times`` wrong passwords; return the status codes received."""
        return [self.attempt("mauvais-mot-de-passe", **kwargs).status_code for _ in range(times)]

    def test_lockout_after_the_failure_limit_with_french_page(self):
        """After the limit of wrong passwords, even the right one gets a 429 page in French."""
        limit = settings.AXES_FAILURE_LIMIT
        # The form again with its error until the limit; the limit-th failure locks.
        self.assertEqual(self.fail(limit), [200] * (limit - 1) + [429])
        response = self.attempt(PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Trop de tentatives de connexion", status_code=429)
        self.assertContains(response, "15 minutes", status_code=429)

    def test_lockout_is_per_username_and_address(self):
        """Guessing from one address locks neither the same editor elsewhere nor other names there."""
        self.fail(settings.AXES_FAILURE_LIMIT)
        self.assertEqual(self.attempt(PASSWORD, ip="198.51.100.20").status_code, 302)
        get_user_model().objects.create_user("marc", "marc@example.org", PASSWORD, is_staff=True)
        self.client.logout()
        self.assertEqual(self.attempt(PASSWORD, username="marc").status_code, 302)

    def test_lockout_ends_after_the_cool_off(self):
        """The lockout is not permanent: after the cool-off the right password logs in."""
        self.fail(settings.AXES_FAILURE_LIMIT)
        self.assertEqual(self.attempt(PASSWORD).status_code, 429)
        with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=5)):
            self.assertEqual(self.attempt(PASSWORD).status_code, 302)

    def test_success_resets_the_count(self):
        """A successful login forgets earlier failures: typos spread over a day never lock out."""
        self.fail(settings.AXES_FAILURE_LIMIT - 1)
        self.assertEqual(self.attempt(PASSWORD).status_code, 302)
        self.client.logout()
        self.assertFalse(AccessAttempt.objects.filter(username="claire", failures_since_start__gt=0).exists())
        self.fail(settings.AXES_FAILURE_LIMIT - 1)
        self.assertEqual(self.attempt(PASSWORD).status_code, 302)

    def test_cool_off_is_minutes_not_forever(self):
        """The configured cool-off is a matter of minutes (between 1 and 60)."""
        self.assertTrue(timedelta(minutes=1) <= settings.AXES_COOLOFF_TIME <= timedelta(hours=1))


@FAST_HASHER
class PasswordRulesTests(TestCase):
    def test_short_password_refused(self):
        """A password shorter than 12 characters is refused with a French message."""
        with self.assertRaises(ValidationError) as caught:
            validate_password("Xq7!vB2#")
        self.assertIn("trop court", " ".join(caught.exception.messages))

    def test_common_password_refused(self):
        """A password from the list of common passwords is refused even when long enough."""
        with self.assertRaises(ValidationError) as caught:
            validate_password("q1w2e3r4t5y6")
        self.assertIn("trop courant", " ".join(caught.exception.messages))

    def test_numeric_password_refused(self):
        """An all-digit password is refused."""
        with self.assertRaises(ValidationError):
            validate_password("20261126083012")

    def test_password_like_username_refused(self):
        """A password too close to the username is refused."""
        user = get_user_model()(username="claire.dubois", email="claire@example.org")
        with self.assertRaises(ValidationError):
            validate_password("claire.dubois", user=user)

    def test_strong_password_accepted(self):
        """A long, uncommon password passes every validator."""
        validate_password("Quatre-chevaux-bleus-traversent-Lyon")


@FAST_HASHER
class RolesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.contributor = make_staff("lea", CONTRIBUTORS)
        cls.editor = make_staff("paul", EDITORS)
        cls.draft = make_article("Un brouillon", status=Article.Status.DRAFT)
        cls.live = make_article("Un article en ligne")
        cls.company = make_company("Anthropic")

    def test_groups_exist_after_migrate_and_setup_is_idempotent(self):
        """Both groups exist after migrate; running setup_roles again changes nothing."""
        before = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
        call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
        ensure_roles()
        after = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
        self.assertEqual(before, after)
        self.assertIn("publish_article", after[EDITORS])
        self.assertNotIn("publish_article", after[CONTRIBUTORS])
        self.assertNotIn("delete_article", after[CONTRIBUTORS])

    def add_article_as(self, user, status):
        self.client.force_login(user)
        page = self.client.get(reverse("admin:articles_article_add"))
        data = form_data(page.content.decode(), "article_form")
        data.update(
            {
                "title": ["Papier de la contributrice"],
                "slug": ["papier-contributrice"],
                "status": [status],
                "sections-0-body": ["Un paragraphe."],
            }
        )
        return self.client.post(reverse("admin:articles_article_add"), data)

    def test_contributor_drafts(self):
        """A contributor creates an article through the admin; it is a draft whatever the post says."""
        response = self.add_article_as(self.contributor, Article.Status.PUBLISHED)
        self.assertEqual(response.status_code, 302)
        article = Article.objects.get(slug="papier-contributrice")
        self.assertEqual(article.status, Article.Status.DRAFT)
        self.assertIsNone(article.published_at)

    def test_contributor_cannot_publish_by_action(self):
        """The publish action is neither offered to nor run for a contributor."""
        self.client.force_login(self.contributor)
        changelist = reverse("admin:articles_article_changelist")
        self.assertNotContains(self.client.get(changelist), 'value="publish"')
        self.client.post(changelist, {"action": "publish", "_selected_action": [self.draft.pk]})
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, Article.Status.DRAFT)

    def test_contributor_cannot_delete(self):
        """Deleting an article is refused to a contributor (403), and the article stays."""
        self.client.force_login(self.contributor)
        url = reverse("admin:articles_article_delete", args=[self.draft.pk])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 403)
        self.assertTrue(Article.objects.filter(pk=self.draft.pk).exists())

    def test_contributor_cannot_change_a_live_article(self):
        """A published article is read-only for a contributor: a post is refused with 403."""
        self.client.force_login(self.contributor)
        url = reverse("admin:articles_article_change", args=[self.live.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="_save"')
        self.assertEqual(self.client.post(url, {"title": "Réécrit"}).status_code, 403)
        self.live.refresh_from_db()
        self.assertEqual(self.live.title, "Un article en ligne")

    def test_contributor_cannot_change_companies(self):
        """The company list is the editors': a contributor may look but not add or delete."""
        self.client.force_login(self.contributor)
        self.assertEqual(self.client.get(reverse("admin:articles_company_add")).status_code, 403)
        url = reverse("admin:articles_company_delete", args=[self.company.pk])
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 403)
        self.assertTrue(Company.objects.filter(pk=self.company.pk).exists())

    def test_editor_publishes_unpublishes_and_deletes(self):
        """An editor publishes and unpublishes with the actions, and deletes an article."""
        self.client.force_login(self.editor)
        changelist = reverse("admin:articles_article_changelist")
        self.client.post(changelist, {"action": "publish", "_selected_action": [self.draft.pk]})
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, Article.Status.PUBLISHED)
        self.client.post(changelist, {"action": "unpublish", "_selected_action": [self.draft.pk]})
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, Article.Status.DRAFT)
        url = reverse("admin:articles_article_delete", args=[self.draft.pk])
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 302)
        self.assertFalse(Article.objects.filter(pk=self.draft.pk).exists())

    def test_editor_publishes_from_the_form(self):
        """An editor may set the status in the form itself; the date is filled in."""
        response = self.add_article_as(self.editor, Article.Status.PUBLISHED)
        self.assertEqual(response.status_code, 302)
        article = Article.objects.get(slug="papier-contributrice")
        self.assertEqual(article.status, Article.Status.PUBLISHED)
        self.assertIsNotNone(article.published_at)
