"""Tests for ``python manage.py load_demo``, the demo archive loader."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from articles.demo_data import ARTICLES, COMPANIES
from articles.models import Article, Company, CompanyAlias, RelatedLink, Section, TaggedCompany

# The demo's scheduled article goes live in December 2031: pin the clock before it.
BEFORE_SCHEDULED = datetime(2026, 11, 1, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Everything the command writes, in a comparable form."""
    return {
        "companies": list(Company.objects.order_by("slug").values_list("slug", "name", "description", "website")),
        "aliases": list(CompanyAlias.objects.order_by("name").values_list("company__slug", "name")),
        "articles": list(
            Article.objects.order_by("slug").values_list(
                "pk", "slug", "title", "standfirst", "byline", "status", "published_at", "version", "updated_at"
            )
        ),
        "tags": sorted(TaggedCompany.objects.values_list("content_object__slug", "tag__slug")),
        "sections": list(
            Section.objects.order_by("article__slug", "position").values_list(
                "article__slug", "position", "heading", "anchor", "body"
            )
        ),
        "links": list(
            RelatedLink.objects.order_by("article__slug", "position").values_list(
                "article__slug", "position", "title", "target__slug", "url"
            )
        ),
    }


@pytest.mark.django_db
def test_load_demo_creates_articles_and_companies_with_aliases():
    """load_demo creates at least 12 articles and the 8 demo companies, each with aliases."""
    load_demo()

    assert Article.objects.count() >= 12
    assert Company.objects.count() == 8
    assert set(Company.objects.values_list("name", flat=True)) == {company["name"] for company in COMPANIES}
    for company in Company.objects.all():
        assert company.aliases.count() >= 3, company.name
    assert CompanyAlias.objects.filter(name="l'éditeur de Windows", company__slug="microsoft").exists()


@pytest.mark.django_db
def test_every_article_is_tagged_with_its_companies():
    """Every demo article carries between one and three companies, as listed in the demo data."""
    load_demo()

    for data in ARTICLES:
        article = Article.objects.get(slug=data["slug"])
        slugs = set(article.companies.values_list("slug", flat=True))
        assert slugs == set(data["companies"])
        assert 1 <= len(slugs) <= 3


@pytest.mark.django_db
def test_sections_are_numbered_and_headed_sections_get_anchors():
    """Sections are numbered 1..n per article, and those with a heading get an anchor derived from it."""
    load_demo()

    for article in Article.objects.all():
        positions = list(article.sections.values_list("position", flat=True))
        assert positions == list(range(1, len(positions) + 1))
        assert 2 <= len(positions) <= 5
    assert Section.objects.exclude(heading="").filter(anchor="").count() == 0
    assert Section.objects.filter(
        article__slug="microsoft-recrute-equipe-inflection-ai", heading="Copilot impacté ?", anchor="copilot-impacte"
    ).exists()


@pytest.mark.django_db
def test_related_links_are_internal_external_and_one_unfinished():
    """Related links include internal links to demo articles, external https links and exactly one unfinished link."""
    load_demo()

    internal = RelatedLink.objects.filter(target__isnull=False)
    assert internal.exists()
    assert all(link.target.slug in {data["slug"] for data in ARTICLES} for link in internal)
    assert RelatedLink.objects.filter(url__startswith="https://").exists()
    unfinished = [link for link in RelatedLink.objects.all() if link.is_unfinished]
    assert len(unfinished) == 1
    assert unfinished[0].title


@pytest.mark.django_db
def test_second_run_changes_nothing():
    """Running load_demo twice leaves the same rows with the same content, versions and timestamps."""
    load_demo()
    first = snapshot()
    counts = [model.objects.count() for model in (Article, Company, CompanyAlias, Section, RelatedLink)]

    output = load_demo()

    assert snapshot() == first
    assert [model.objects.count() for model in (Article, Company, CompanyAlias, Section, RelatedLink)] == counts
    assert "Créés : 0, mis à jour : 0" in output


@pytest.mark.django_db
def test_rerun_restores_edited_demo_content_and_bumps_version():
    """A rerun puts back demo sections and links that were edited and bumps the article's version."""
    load_demo()
    first = snapshot()
    article = Article.objects.get(slug="openai-emancipation-microsoft")
    article.sections.filter(position=1).update(body="Texte modifié à la main.")
    article.related_links.all().delete()

    load_demo()

    after = snapshot()
    assert after["sections"] == first["sections"]
    assert after["links"] == first["links"]
    article.refresh_from_db()
    assert article.version == 2


@pytest.mark.django_db
def test_draft_and_scheduled_articles_are_not_published():
    """The demo's draft and its scheduled article stay out of Article.objects.published()."""
    load_demo()

    with time_machine.travel(BEFORE_SCHEDULED, tick=False):
        published = set(Article.objects.published().values_list("slug", flat=True))
        draft = Article.objects.get(status=Article.Status.DRAFT)
        scheduled = Article.objects.get(status=Article.Status.PUBLISHED, published_at__gt=BEFORE_SCHEDULED)

        assert draft.published_at is None
        assert scheduled.is_scheduled
        assert draft.slug not in published
        assert scheduled.slug not in published
        assert len(published) == len(ARTICLES) - 2


@pytest.mark.django_db
def test_search_and_cache_are_refreshed_once_after_commit(django_capture_on_commit_callbacks):
    """load_demo schedules a single after-commit refresh of search and cache for the whole load."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        load_demo()

    assert len(callbacks) == 1


@pytest.mark.django_db
def test_load_demo_prints_a_french_summary():
    """load_demo ends by printing a short French summary with article and company counts."""
    output = load_demo()

    assert f"Archive de démonstration : {len(ARTICLES)} articles, 8 entreprises." in output
