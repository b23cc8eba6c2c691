"""The data model: companies, articles, sections, related links and what must always hold."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from articles.models import Article, Company, RelatedLink, Section
from tests.factories import make_article, make_company, make_link

pytestmark = pytest.mark.django_db


class TestCompany:
    def test_slug_is_ascii_and_url_safe(self):
        """A company name with spaces and accents gets an ASCII, hyphenated slug."""
        assert make_company("Inflection AI").slug == "inflection-ai"
        assert make_company("Société Générale").slug == "societe-generale"

    def test_tagging_ignores_case(self):
        """Tagging "openai" then "OpenAI" yields a single company, never two."""
        first = make_article()
        second = make_article()
        first.companies.add("OpenAI")
        second.companies.add("openai")
        assert Company.objects.count() == 1
        assert Company.objects.get().name == "OpenAI"

    def test_names_are_unique_ignoring_case_in_the_database(self):
        """The database itself refuses a second company differing only by case."""
        make_company("Microsoft")
        with pytest.raises(IntegrityError), transaction.atomic():
            Company.objects.create(name="MICROSOFT", slug="microsoft-bis")

    def test_aliases_are_unique_ignoring_case(self):
        """Two companies cannot share an alias, whatever its case."""
        make_company("Microsoft", aliases=["Redmond"])
        other = make_company("Apple")
        with pytest.raises(IntegrityError), transaction.atomic():
            other.aliases.create(name="redmond")


class TestPublished:
    def test_drafts_are_not_public(self):
        """A draft is never in published(), whatever its date."""
        make_article(status=Article.Status.DRAFT, published_at=timezone.now() - timedelta(days=3))
        assert not Article.objects.published().exists()

    def test_scheduled_article_goes_live_at_its_time(self):
        """A published article dated in the future appears in published() at that moment, with no job run."""
        with time_machine.travel("2026-03-01 09:00 +01:00", tick=False):
            article = make_article(published_at=timezone.now() + timedelta(hours=2))
            assert list(Article.objects.published()) == []
            assert article.is_scheduled
        with time_machine.travel("2026-03-01 11:00 +01:00", tick=False):
            assert list(Article.objects.published()) == [article]

    def test_published_requires_a_date(self):
        """The database refuses a published article without a publication date."""
        with pytest.raises(IntegrityError), transaction.atomic():
            Article.objects.create(title="Sans date", slug="sans-date", status=Article.Status.PUBLISHED)


class TestSection:
    def test_anchor_comes_from_heading_and_stays(self):
        """A headed section gets an anchor from its heading, kept when the heading is edited."""
        article = make_article(sections=[("", "Ouverture."), ("Copilot impacté ?", "Texte.")])
        section = article.sections.get(position=2)
        assert section.anchor == "copilot-impacte"
        section.heading = "Copilot touché ?"
        section.save()
        section.refresh_from_db()
        assert section.anchor == "copilot-impacte"

    def test_anchors_are_unique_within_an_article(self):
        """Two sections with the same heading get distinct anchors."""
        article = make_article(sections=[("Bilan", "Un."), ("Bilan", "Deux.")])
        assert sorted(article.sections.values_list("anchor", flat=True)) == ["bilan", "bilan-2"]

    def test_one_section_per_position(self):
        """Two sections of one article cannot share a position."""
        article = make_article()
        with pytest.raises(IntegrityError), transaction.atomic():
            Section.objects.create(article=article, position=1, body="Doublon.")

    def test_paragraphs_are_the_non_blank_lines(self):
        """A section's body splits into paragraphs, one per non-blank line."""
        section = Section(body="Premier.\n\n  Second.  \r\nTroisième.")
        assert section.paragraphs == ["Premier.", "Second.", "Troisième."]


class TestRelatedLink:
    def test_internal_link_follows_its_target(self):
        """An internal link shows the target's current title and address after a retitle and slug change."""
        target = make_article("Ancien titre", slug="ancien")
        link = make_link(make_article(), target=target)
        target.title, target.slug = "Nouveau titre", "nouveau"
        target.save()
        link.refresh_from_db()
        assert (link.display_title, link.href) == ("Nouveau titre", "/articles/nouveau/")

    @pytest.mark.parametrize(
        "url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "ftp://exemple.fr/", "//x.fr"]
    )
    def test_unsafe_schemes_are_refused_on_save(self, url):
        """A link URL that is not http or https is refused by the model, whatever the form allowed."""
        with pytest.raises(ValidationError):
            make_link(make_article(), title="Piège", url=url)
        assert not RelatedLink.objects.exists()

    def test_scheme_is_normalised(self):
        """An upper-case scheme is stored lower-case, so both databases accept it alike."""
        link = make_link(make_article(), title="Exemple", url=" HTTPS://Exemple.fr/Page ")
        assert link.url == "https://Exemple.fr/Page"
        assert link.domain == "exemple.fr"

    def test_database_refuses_unsafe_scheme_even_without_the_model(self):
        """A bulk write that bypasses save() still cannot store a javascript: URL."""
        article = make_article()
        with pytest.raises(IntegrityError), transaction.atomic():
            RelatedLink.objects.bulk_create([RelatedLink(article=article, title="x", url="javascript:alert(1)")])

    def test_link_cannot_be_both_internal_and_external(self):
        """The database refuses a link with both a target article and an external URL."""
        article, target = make_article(), make_article()
        with pytest.raises(IntegrityError), transaction.atomic():
            RelatedLink.objects.bulk_create(
                [RelatedLink(article=article, target=target, url="https://exemple.fr/", title="x")]
            )

    def test_unfinished_link_is_allowed_and_flagged(self):
        """A link with only a title is stored and reported as unfinished."""
        link = make_link(make_article(), title="Un article à retrouver")
        assert link.is_unfinished

    def test_deleting_a_linked_target_is_refused(self):
        """An article that others link to cannot be deleted; the error names the linking articles."""
        target = make_article("Cible")
        source = make_article("Source")
        make_link(source, target=target)
        with pytest.raises(ProtectedError) as error:
            target.delete()
        assert {link.article for link in error.value.protected_objects} == {source}
        assert Article.objects.filter(pk=target.pk).exists()


def test_section_body_line_breaks_are_normalised():
    """A body posted with CRLF line breaks is stored with LF only, so a re-save changes nothing."""
    article = make_article()
    section = Section.objects.create(article=article, position=2, body="Un.\r\nDeux.\rTrois.")
    section.refresh_from_db()
    assert section.body == "Un.\nDeux.\nTrois."


def test_card_companies_are_the_same_however_they_are_fetched(django_assert_num_queries):
    """attach_card_companies (one query for a whole list), with_cards and the article's own
    relation give the same companies in the same order, by name."""
    zebre, aigle = make_company("Zèbre Numérique"), make_company("Aigle Données")
    first = make_article("Deux entreprises", companies=[zebre, aigle])
    second = make_article("Aucune entreprise", companies=[])
    expected = {first.pk: ["Aigle Données", "Zèbre Numérique"], second.pk: []}
    articles = list(Article.objects.filter(pk__in=expected))
    with django_assert_num_queries(1):
        Article.attach_card_companies(articles)
        attached = {a.pk: [c.name for c in a.card_companies] for a in articles}
    assert attached == expected
    listed = Article.objects.with_cards().filter(pk__in=expected)
    assert {a.pk: [c.name for c in a.card_companies] for a in listed} == expected
    assert [c.name for c in Article.objects.get(pk=first.pk).card_companies] == expected[first.pk]
    links = [c.get_absolute_url() for a in articles if a.pk == first.pk for c in a.card_companies]
    assert links == [aigle.get_absolute_url(), zebre.get_absolute_url()]


def test_in_order_keeps_the_ids_order_and_leaves_out_what_the_queryset_excludes():
    """``in_order`` returns the articles in the order of the ids given, without the ids its
    queryset does not hold (a draft, an unknown id)."""
    first, second = make_article("Premier"), make_article("Second")
    draft = make_article("Brouillon", status=Article.Status.DRAFT)
    found = Article.objects.published().in_order([second.pk, draft.pk, 999_999, first.pk])
    assert [article.pk for article in found] == [second.pk, first.pk]
