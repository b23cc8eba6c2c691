"""The benchmark corpus generator: deterministic, shaped like an archive, honest fingerprint."""

import io
import re
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.test import TestCase

from articles import corpus
from articles.models import Article, Company, RelatedLink, Section, TaggedCompany

NOW = datetime(2026, 6, 1, tzinfo=UTC)
SIZE = 400


def first_batch(seed: int, size: int = 50):
    plan = corpus.make_plan(articles=size, seed=seed)
    return next(corpus.Generator(plan, now=NOW).batches(size))


class PlanTests(TestCase):
    def test_same_seed_gives_the_same_rows(self):
        """Two generators with one seed produce identical articles, sections, links and citations."""
        one, two = first_batch(7), first_batch(7)
        self.assertEqual(one.articles, two.articles)
        self.assertEqual(one.sections, two.sections)
        self.assertEqual(one.links, two.links)
        self.assertEqual(one.tags, two.tags)

    def test_another_seed_gives_another_archive(self):
        """A different seed changes the generated text."""
        self.assertNotEqual(first_batch(7).sections, first_batch(8).sections)

    def test_term_classes_follow_the_known_distribution(self):
        """Terms are chosen at the shares asked: rare ≈ 0.1 %, typical 5–10 %, common > 50 %."""
        terms = corpus.make_plan(articles=100_000, seed=42).terms
        self.assertAlmostEqual(terms["rare"].expected_share, 0.001, delta=0.0005)
        self.assertTrue(0.05 <= terms["typical"].expected_share <= 0.10)
        self.assertGreater(terms["common"].expected_share, 0.50)
        self.assertEqual(len(terms["phrase"].term.split()), 2)

    def test_no_match_and_accent_variant_terms(self):
        """The no-match term is no vocabulary word; the accent variant is an accented word typed bare."""
        plan = corpus.make_plan(articles=1000, seed=42)
        self.assertNotIn(plan.terms["no_match"].term, plan.vocabulary)
        variant = plan.terms["accent_variant"].term
        self.assertEqual(variant, corpus.strip_accents(variant))
        accented = [w for w in plan.vocabulary if corpus.strip_accents(w) == variant]
        self.assertEqual(len(accented), 1)
        self.assertNotEqual(accented[0], variant)

    def test_vocabulary_has_one_word_per_root_and_accents(self):
        """Words are distinct even without accents, and a share of them carries accents."""
        words = corpus.build_vocabulary(3, size=5000)
        self.assertEqual(len({corpus.strip_accents(w) for w in words}), 5000)
        accented = sum(1 for w in words if w != corpus.strip_accents(w))
        self.assertGreater(accented, 1000)

    def test_corpus_terms_needs_no_database(self):
        """``bench`` recomputes the terms from the seed alone: same as the generator's plan."""
        plan = corpus.make_plan(articles=100_000, seed=5)
        self.assertEqual(corpus.corpus_terms(5), {name: choice.term for name, choice in plan.terms.items()})


class GeneratedArchiveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.result = corpus.generate(articles=SIZE, seed=11, batch_size=150, now=NOW, log=lambda message: None)
        cls.fingerprint = corpus.fingerprint(cls.result)

    def test_fingerprint_counts_match_the_database(self):
        """Every count printed is what the database holds."""
        data = self.fingerprint
        self.assertEqual(Article.objects.count(), SIZE)
        self.assertEqual(Article.objects.filter(status="draft").count(), data["drafts"])
        self.assertEqual(Article.objects.filter(status="published", published_at__gt=NOW).count(), data["scheduled"])
        self.assertEqual(data["published"] + data["drafts"] + data["scheduled"], SIZE)
        self.assertEqual(Section.objects.count(), data["sections"])
        self.assertEqual(RelatedLink.objects.count(), data["related_links"])
        self.assertEqual(TaggedCompany.objects.count(), data["company_citations"])
        self.assertEqual(Company.objects.count(), data["companies"])

    def test_there_are_drafts_and_scheduled_pieces(self):
        """Some articles are drafts (no date) and some are scheduled in the future."""
        self.assertGreater(self.fingerprint["drafts"], 0)
        self.assertGreater(self.fingerprint["scheduled"], 0)
        self.assertFalse(Article.objects.filter(status="draft", published_at__isnull=False).exists())

    def test_articles_have_two_to_six_sections_with_headings(self):
        """2–6 sections each; the opening one has no heading, the others a heading and a unique anchor."""
        counts = Counter(Section.objects.values_list("article_id", flat=True))
        self.assertEqual(len(counts), SIZE)
        self.assertTrue(all(2 <= n <= 6 for n in counts.values()))
        self.assertFalse(Section.objects.filter(position=1).exclude(heading="").exists())
        self.assertFalse(Section.objects.filter(position__gt=1, heading="").exists())
        self.assertFalse(Section.objects.filter(position__gt=1, anchor="").exists())

    def test_dates_spread_over_twenty_years(self):
        """Published dates run over the twenty years before the anchor, in id order."""
        # Scheduled pieces are placed after the generation's "now"; the rest predates the anchor.
        published = Article.objects.filter(status="published", published_at__lte=NOW)
        dates = list(published.order_by("id").values_list("published_at", flat=True))
        self.assertGreaterEqual(min(dates), corpus.ANCHOR - timedelta(days=365 * 20 + 1))
        self.assertLessEqual(max(dates), corpus.ANCHOR + timedelta(hours=1))
        self.assertGreater(max(dates) - min(dates), timedelta(days=365 * 19))
        self.assertEqual(dates, sorted(dates))

    def test_related_links_are_internal_or_https(self):
        """Internal links point to an earlier article; external ones are https addresses."""
        for article_id, target_id, url in RelatedLink.objects.values_list("article_id", "target_id", "url"):
            if target_id is not None:
                self.assertLess(target_id, article_id)
                self.assertEqual(url, "")
            else:
                self.assertTrue(url.startswith("https://"))

    def test_company_popularity_is_skewed(self):
        """A Zipf law: the most cited company is cited far more than the typical one."""
        cited = list(Company.objects.annotate(n=Count("tagged_articles")).filter(n__gt=0).values_list("n", flat=True))
        self.assertGreater(max(cited), 5 * statistics.median(cited))

    def test_counted_term_frequencies_are_honest(self):
        """The article counts printed for each term are those of the stored text."""
        terms = self.fingerprint["terms"]
        texts: dict[int, list[str]] = {}
        for pk, title, standfirst in Article.objects.values_list("pk", "title", "standfirst"):
            texts[pk] = [title, standfirst]
        for article_id, heading, body in Section.objects.values_list("article_id", "heading", "body"):
            texts[article_id] += [heading, body]
        tokens = {pk: set(re.split(r"[\s,.]+", " ".join(parts).lower())) for pk, parts in texts.items()}
        for name in ("typical", "common"):
            word = terms[name]["term"]
            self.assertEqual(sum(1 for t in tokens.values() if word in t), terms[name]["articles"], name)
        self.assertEqual(terms["no_match"]["articles"], 0)

    def test_new_articles_get_fresh_ids(self):
        """After the bulk load with explicit ids, the next article created gets the next id."""
        article = Article.objects.create(title="Après le corpus", slug="apres-le-corpus")
        self.assertGreater(article.pk, SIZE)

    def test_search_finds_the_generated_terms(self):
        """The bulk reindex ran: the typical term and its accent-free variant have results, no-match none."""
        terms = self.fingerprint["terms"]

        def total(term):
            response = self.client.get("/api/recherche/", {"q": term})
            self.assertEqual(response.status_code, 200)
            return response.json()["total"]

        self.assertGreater(total(terms["typical"]["term"]), 0)
        self.assertGreater(total(terms["accent_variant"]["term"]), 0)
        self.assertEqual(total(terms["no_match"]["term"]), 0)


class CommandTests(TestCase):
    def test_command_prints_the_fingerprint(self):
        """The command loads the archive and prints counts and every term class."""
        out = io.StringIO()
        call_command("generate_corpus", articles=30, seed=2, stdout=out)
        text = out.getvalue()
        self.assertIn("Empreinte de l'archive", text)
        for label in ("rare", "courant", "très courant", "expression", "aucun résultat", "sans accents"):
            self.assertIn(label, text)
        self.assertEqual(Article.objects.count(), 30)

    def test_refuses_a_non_empty_archive_without_flush(self):
        """A second run without --flush is refused; with --flush it replaces the archive."""
        call_command("generate_corpus", articles=10, seed=2, no_index=True, stdout=io.StringIO())
        with self.assertRaises(CommandError):
            call_command("generate_corpus", articles=10, seed=2, no_index=True, stdout=io.StringIO())
        call_command("generate_corpus", articles=12, seed=2, flush=True, no_index=True, stdout=io.StringIO())
        self.assertEqual(Article.objects.count(), 12)

    def test_rejects_a_bad_size(self):
        """Zero articles is a clear error, not a crash."""
        with self.assertRaises(CommandError):
            call_command("generate_corpus", articles=0, stdout=io.StringIO())
