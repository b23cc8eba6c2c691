"""Writes that touch several models, and the side effects that follow them.

Every write path (admin, importers, scripts) goes through these functions, so the rules they
hold (old slugs keep answering, search and cache follow the data, only after commit) hold
everywhere. Reads stay on QuerySets (``Article.objects.published()``...).
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import cache as page_cache
from . import search, tallies
from .models import (
    Article,
    ArticleSlugRedirect,
    Company,
    CompanyAlias,
    CompanySlugRedirect,
    RelatedLink,
    Section,
    TaggedCompany,
)


def refresh_after_commit(article_ids: Iterable[int]) -> None:
    """Schedule the refresh of the search index, the monthly tallies and the page cache for
    these articles, after commit.

    A rolled-back transaction runs nothing: the index and cache never show data that was
    not saved. Outside a transaction the refresh runs at once. With no article, the page cache
    is purged all the same: what changed (a company no article cites) shows on pages too.
    """
    ids = sorted({int(pk) for pk in article_ids if pk is not None})
    if not ids:
        transaction.on_commit(page_cache.purge_articles)
        return

    def refresh():
        # Each step runs even if one before it failed: a search index error must not leave
        # the monthly counts or the cached pages behind.
        try:
            search.index_articles(ids)
        finally:
            try:
                tallies.refresh(ids)
            finally:
                page_cache.purge_articles(ids)

    transaction.on_commit(refresh)


def articles_changed(*, article_ids: Iterable[int], **fields) -> None:
    """Record that these articles changed: their version moves on, then search and cache follow.

    The version is what the admin's form compares on save (``articles.concurrency``): an
    editor's form loaded before this change is refused rather than silently overwriting it.
    ``fields`` are further values written in the same UPDATE (``updated_at=...``).
    """
    ids = list(article_ids)
    Article.objects.filter(pk__in=ids).update(version=F("version") + 1, **fields)
    refresh_after_commit(ids)


def article_record_slug(*, article: Article, previous_slug: str | None) -> None:
    """Keep ``previous_slug`` answering for ``article`` after a slug change.

    Redirects point at the article, not at a slug, so every old address reaches the current
    one in a single hop however many times the slug changes. Going back to an old slug removes
    its redirect (the live article wins).
    """
    ArticleSlugRedirect.objects.filter(old_slug=article.slug).delete()
    if previous_slug and previous_slug != article.slug:
        ArticleSlugRedirect.objects.update_or_create(old_slug=previous_slug, defaults={"article": article})


@transaction.atomic
def article_saved(*, article: Article, previous_slug: str | None = None) -> None:
    """Finish a save made by the admin or an importer: slug history, version, refresh."""
    article_record_slug(article=article, previous_slug=previous_slug)
    articles_changed(article_ids=[article.pk])
    article.refresh_from_db(fields=["version"])


@transaction.atomic
def articles_delete(*, articles) -> int:
    """Delete these articles (with their sections, links and citations); return how many.

    Their pages leave the cache, their documents the search index, and the months they were
    counted in are counted again, after commit.
    """
    ids = [article.pk for article in articles]
    Article.objects.filter(pk__in=ids).delete()
    refresh_after_commit(ids)
    return len(ids)


@transaction.atomic
def article_publish(*, article: Article, when=None) -> Article:
    """Publish ``article`` now, or at ``when`` (a future date schedules it).

    An article that already has a publication date keeps it unless ``when`` is given.
    """
    article.status = Article.Status.PUBLISHED
    if when is not None:
        article.published_at = when
    elif article.published_at is None:
        article.published_at = timezone.now()
    article.save(update_fields=["status", "published_at", "updated_at"])
    articles_changed(article_ids=[article.pk])
    return article


@transaction.atomic
def article_unpublish(*, article: Article) -> Article:
    """Take ``article`` back to draft; its publication date is kept for a later re-publication."""
    article.status = Article.Status.DRAFT
    article.save(update_fields=["status", "updated_at"])
    articles_changed(article_ids=[article.pk])
    return article


@transaction.atomic
def article_children_save_in_order(*, article: Article, model: type[Section | RelatedLink], children: list) -> None:
    """Save ``children`` (sections or related links of ``article``) with positions 1..n.

    Positions are unique per article, so saving a swap row by row would collide midway: the
    existing rows are first moved out of the way, then every child is written with its final
    position. Children are sorted by their requested position, ties keeping their order.
    """
    ordered = sorted(enumerate(children), key=lambda item: (item[1].position or 0, item[0]))
    model.objects.filter(article=article).update(position=F("position") + 1_000_000)
    for position, (_, child) in enumerate(ordered, start=1):
        child.article = article
        child.position = position
        child.save()


@transaction.atomic
def company_record_slug(*, company: Company, previous_slug: str | None, names_changed: bool = True) -> None:
    """Finish a save of ``company``: its old address answers 301 to the current one, pages follow.

    A company's name and aliases are part of its articles' search documents: when they may have
    changed (``names_changed``), every article of the company is refreshed after commit, which
    for a company cited by thousands of articles is real work. Otherwise (description, website,
    address) only the page cache is purged.
    """
    CompanySlugRedirect.objects.filter(old_slug=company.slug).delete()
    if previous_slug and previous_slug != company.slug:
        CompanySlugRedirect.objects.update_or_create(old_slug=previous_slug, defaults={"company": company})
    if names_changed:
        refresh_after_commit(company.tagged_articles.values_list("content_object_id", flat=True))
    else:
        transaction.on_commit(page_cache.purge_articles)


@transaction.atomic
def company_merge(*, source: Company, into: Company) -> Company:
    """Merge ``source`` into ``into``: its articles, aliases and addresses move, then it goes.

    The source's name becomes an alias of the target, so detection and search still
    understand it, and its old address answers 301 to the target's page.
    """
    if source.pk == into.pk:
        raise ValueError("A company cannot be merged into itself.")
    article_ids = list(source.tagged_articles.values_list("content_object_id", flat=True))
    already = set(into.tagged_articles.values_list("content_object_id", flat=True))
    source.tagged_articles.filter(content_object_id__in=already).delete()
    source.tagged_articles.update(tag=into)

    known = {name.lower() for name in into.aliases.values_list("name", flat=True)}
    known.add(into.name.lower())
    aliases = list(source.aliases.all())
    CompanyAlias.objects.filter(company=source).delete()
    for alias in aliases:
        if alias.name.lower() not in known:
            CompanyAlias.objects.create(company=into, name=alias.name)
            known.add(alias.name.lower())

    source.slug_redirects.update(company=into)
    source_name, source_slug = source.name, source.slug
    source.delete()
    if source_name.lower() not in known:
        CompanyAlias.objects.create(company=into, name=source_name)
    CompanySlugRedirect.objects.update_or_create(old_slug=source_slug, defaults={"company": into})
    # The articles' companies changed: an editor's form loaded before the merge is now stale.
    articles_changed(article_ids=article_ids)
    return into


@transaction.atomic
def companies_delete(*, companies) -> int:
    """Delete these companies (their citations, aliases, addresses and counts go with them);
    return how many.

    Their articles are refreshed after commit: a company's names are part of its articles'
    search documents, and an editor's form loaded before the deletion is stale. The page cache
    is purged even when no article cited them (their pages, a search filtered by them).
    """
    ids = [company.pk for company in companies]
    article_ids = list(
        TaggedCompany.objects.filter(tag_id__in=ids).values_list("content_object_id", flat=True).distinct()
    )
    Company.objects.filter(pk__in=ids).delete()
    articles_changed(article_ids=article_ids)
    return len(ids)


@transaction.atomic
def article_tag_companies(*, article: Article, companies: Iterable[Company]) -> list[Company]:
    """Tag ``article`` with ``companies`` (those it already has are left as they are).

    Returns the companies actually added. The version moves on when something was added, so
    an editor's form opened before the change notices it rather than silently dropping the tag.
    """
    tagged = set(article.tagged_companies.values_list("tag_id", flat=True))
    added = [company for company in companies if company.pk not in tagged]
    if not added:
        return []
    article.companies.add(*added)
    articles_changed(article_ids=[article.pk], updated_at=timezone.now())
    article.refresh_from_db(fields=["version", "updated_at"])
    return added
