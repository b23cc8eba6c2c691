"""Service functions: slug history, publishing, ordering, company merges, after-commit refreshes."""

from unittest import mock

import pytest

from articles import services
from articles.models import Article, ArticleSlugRedirect, Company, CompanySlugRedirect, Section
from tests.factories import make_article, make_company

pytestmark = pytest.mark.django_db


def test_every_old_slug_points_at_the_article():
    """After two slug changes both old slugs lead to the article itself, so one hop is enough."""
    article = make_article(slug="premier")
    for new in ["deuxieme", "troisieme"]:
        previous, article.slug = article.slug, new
        article.save()
        services.article_saved(article=article, previous_slug=previous)
    assert set(ArticleSlugRedirect.objects.values_list("old_slug", "article")) == {
        ("premier", article.pk),
        ("deuxieme", article.pk),
    }


def test_going_back_to_an_old_slug_removes_its_redirect():
    """Restoring a former slug makes it live again instead of redirecting to itself."""
    article = make_article(slug="a")
    article.slug = "b"
    article.save()
    services.article_saved(article=article, previous_slug="a")
    article.slug = "a"
    article.save()
    services.article_saved(article=article, previous_slug="b")
    assert list(ArticleSlugRedirect.objects.values_list("old_slug", flat=True)) == ["b"]


def test_publish_sets_the_date_once():
    """Publishing a draft dates it now; publishing again keeps the original date."""
    article = make_article(status=Article.Status.DRAFT)
    services.article_publish(article=article)
    first = article.published_at
    assert Article.objects.published().filter(pk=article.pk).exists()
    services.article_unpublish(article=article)
    assert not Article.objects.published().filter(pk=article.pk).exists()
    services.article_publish(article=article)
    assert article.published_at == first


def test_sections_can_swap_positions():
    """Swapping two sections' positions saves without tripping the unique position constraint."""
    article = make_article(sections=[("", "Un."), ("Deux", "Deux."), ("Trois", "Trois.")])
    sections = list(article.sections.all())
    sections[1].position, sections[2].position = 3, 2
    services.article_children_save_in_order(article=article, model=Section, children=sections)
    assert list(article.sections.values_list("heading", "position")) == [("", 1), ("Trois", 2), ("Deux", 3)]


def test_company_merge_moves_everything_and_keeps_the_old_address():
    """Merging moves articles and aliases, adds the old name as an alias and redirects the old slug."""
    target = make_company("Microsoft", aliases=["Redmond"])
    source = make_company("Microsoft Corp", aliases=["l'éditeur de Windows"])
    both = make_article(companies=[target, source])
    only_source = make_article(companies=[source])
    services.company_merge(source=source, into=target)
    assert not Company.objects.filter(name="Microsoft Corp").exists()
    assert set(target.aliases.values_list("name", flat=True)) == {"Redmond", "l'éditeur de Windows", "Microsoft Corp"}
    assert list(both.companies.all()) == [target]
    assert list(only_source.companies.all()) == [target]
    assert CompanySlugRedirect.objects.get(old_slug="microsoft-corp").company == target


def test_refresh_happens_only_after_commit(django_capture_on_commit_callbacks):
    """The search index and page cache are refreshed once the transaction commits, not before."""
    article = make_article()
    with mock.patch("articles.search.index_articles") as index:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.article_saved(article=article)
            index.assert_not_called()
        assert len(callbacks) == 1
        index.assert_called_once_with([article.pk])


def test_changes_to_a_company_no_article_cites_still_refresh_the_cached_pages(django_capture_on_commit_callbacks):
    """Renaming, merging or deleting an uncited company moves the page cache's generation (its page, its filter)."""
    from articles import cache as page_cache

    meta = make_company("Meta")
    changes = [
        lambda: services.company_record_slug(company=make_company("Vide"), previous_slug="vide"),
        lambda: services.company_merge(source=make_company("Creuse"), into=meta),
        lambda: services.companies_delete(companies=[make_company("Absente")]),
    ]
    for change in changes:
        before = page_cache.current_generation()
        with django_capture_on_commit_callbacks(execute=True):
            change()
        assert page_cache.current_generation() > before


def test_deleting_companies_refreshes_the_articles_that_cited_them(django_capture_on_commit_callbacks):
    """Their articles lose them, move to a new version (stale editor forms) and are reindexed after commit."""
    openai = make_company("OpenAI")
    article = make_article(companies=[openai, make_company("Apple")])
    version = article.version
    with (
        mock.patch.object(services.search, "index_articles") as index,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.companies_delete(companies=[openai]) == 1
    article.refresh_from_db()
    assert list(article.companies.names()) == ["Apple"] and article.version == version + 1
    index.assert_called_once_with([article.pk])
