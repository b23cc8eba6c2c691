"""Small builders for test data: explicit arguments, sensible defaults, no magic."""

from datetime import timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import timezone

from articles import tallies
from articles.models import Article, Company, CompanyAlias, RelatedLink, Section

_sequence = count(1)

# The password of every account the tests create: long and uncommon, so the validators accept it.
PASSWORD = "Un-mot-de-passe-solide-42"

# Tests log in often: a fast hasher keeps them quick (production keeps PBKDF2).
FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


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
    # As the services do after commit: the monthly counts (company charts, archive months).
    tallies.refresh([article.pk])
    return article


def make_link(article: Article, *, position: int = 1, **fields) -> RelatedLink:
    return RelatedLink.objects.create(article=article, position=position, **fields)


def make_staff(username: str, group_name: str):
    """A staff account in one of the roles (``articles.roles``: contributors or editors)."""
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def make_superuser(username: str):
    return get_user_model().objects.create_superuser(username, f"{username}@example.org", PASSWORD)
