"""Small builders for test data: explicit arguments, sensible defaults, no magic."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from articles.models import Article, Company, CompanyAlias, RelatedLink, Section

_sequence = count(1)


def make_company(name: str, *, aliases=(), **fields) -> Company:
    company = Company.objects.create(name=name, **fields)
    for alias in aliases:
        CompanyAlias.objects.create(company=company, name=alias)
    return company


def make_article(
    title: str | None = None,
    *,
    status: str = Article.Status.PUBLISHED,
    published_at=None,
    sections=(("", "Premier paragraphe d'ouverture."),),
    companies=(),
    **fields,
) -> Article:
    """An article with its sections ((heading, body) pairs) and companies (objects or names)."""
    n = next(_sequence)
    title = title or f"Article numéro {n}"
    if published_at is None and status == Article.Status.PUBLISHED:
        published_at = timezone.now() - timedelta(days=n)
    article = Article.objects.create(
        title=title,
        slug=fields.pop("slug", f"article-{n}"),
        status=status,
        published_at=published_at,
        **fields,
    )
    for position, (heading, body) in enumerate(sections, start=1):
        Section.objects.create(article=article, position=position, heading=heading, body=body)
    if companies:
        article.companies.set(list(companies))
    return article


def make_link(article: Article, *, position: int = 1, **fields) -> RelatedLink:
    return RelatedLink.objects.create(article=article, position=position, **fields)
