"""Articles per month, counted when articles change rather than each time a page asks.

A company page's chart counted the company's articles month by month on every view: 20,000
rows (170 ms) for a company cited by a tenth of 100,000 articles, 1.1 s at a million; the
archive index counted the whole archive, a year's page the months of the year. They now read
``ArchiveMonth`` and ``CompanyMonth``: a row per month, whatever the size of the archive.

What is counted: articles with the published status, by the month of their publication date
in the site's time zone, scheduled ones included (they go live with no further write). So the
tallies answer for the months before the current one, where every such article is public (a
scheduled article's date is still to come); the current month is counted from the articles at
read time, through ``Article.objects.published()`` (``monthly_counts``).

Upkeep: ``refresh(article_ids)`` runs after each commit that changes articles
(``services.refresh_after_commit``). It recounts, from the articles themselves, each month
and company these articles are counted in now or were counted in before (``TalliedArticle``
remembers the latter), so a count cannot drift with each edit. Recounts are serialised (an
advisory lock on PostgreSQL; SQLite's transactions take the write lock when they begin): one
that starts after another's commit sees it. ``rebuild()`` recounts everything (the migration
that made the tables, the corpus generator, ``manage.py rebuild_tallies``).
"""

import datetime
import itertools
from collections import Counter, defaultdict

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import ArchiveMonth, Article, Company, CompanyMonth, TaggedCompany, TalliedArticle

# pg_advisory_xact_lock key of the recounts ("tall").
LOCK_KEY = 0x74616C6C
BATCH = 500


def month_of(moment: datetime.datetime) -> datetime.date:
    """The first day of ``moment``'s month in the site's time zone."""
    return timezone.localtime(moment).date().replace(day=1)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of ``month`` and of the next one, in the site's time zone."""
    tz = timezone.get_current_timezone()
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return (
        datetime.datetime.combine(month, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(following, datetime.time.min, tzinfo=tz),
    )


def monthly_counts(*, company: Company | None = None, year: int | None = None) -> dict[datetime.date, int]:
    """Public articles per month ({first day: count}, months without any left out), of the whole
    archive or about ``company``, optionally of one ``year`` only: two queries, bounded."""
    start, _ = month_bounds(month_of(timezone.now()))
    tallies = CompanyMonth.objects.filter(company=company) if company is not None else ArchiveMonth.objects.all()
    tallies = tallies.filter(month__lt=start.date(), count__gt=0)
    live = Article.objects.published().filter(published_at__gte=start)
    if company is not None:
        live = live.about(company, newest_first=True)  # a month of articles, in date order
    if year is not None:
        tallies = tallies.filter(month__year=year)
        live = live.filter(published_at__year=year)
    counts = dict(tallies.order_by("month").values_list("month", "count"))
    counts.update(live.count_by_month())
    return counts


def is_widely_cited(cited: int, *, cap: int) -> bool:
    """Whether reading the archive newest first finds ``cap`` articles citing a company cited
    ``cited`` times sooner than reading all its citations: when ``cited`` is at least the
    square root of ``cap`` times the archive's size (about 10,000 at 100,000 articles for a
    cap of 1,000). One query (the archive's size from the tallies)."""
    return _is_wide(cited, cap, _archive_size())


def widely_cited(companies, *, cap: int) -> set[int]:
    """The ids of the ``companies`` that ``is_widely_cited`` for ``cap``, their citations counted
    from their monthly tallies. Two queries, whatever the number of companies."""
    archive = _archive_size()
    cited = (
        CompanyMonth.objects.filter(company__in=[company.pk for company in companies])
        .values("company")
        .annotate(cited=Sum("count"))
    )
    return {row["company"] for row in cited if _is_wide(row["cited"], cap, archive)}


def _is_wide(cited: int, cap: int, archive: int) -> bool:
    return cited * cited >= cap * archive


def _archive_size() -> int:
    return ArchiveMonth.objects.aggregate(total=Sum("count"))["total"] or 0


def refresh(article_ids) -> None:
    """Recount the months and companies of these articles, as they are now and as last counted."""
    ids = sorted({int(pk) for pk in article_ids if pk is not None})
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            _lock()
            _refresh(ids[start : start + BATCH])


def _lock() -> None:
    """Serialise recounts until the transaction ends (SQLite's transactions are serialised
    already: they take the write lock when they begin, ``transaction_mode`` IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _refresh(ids: list[int]) -> None:
    before = TalliedArticle.objects.filter(article_id__in=ids)
    now = {
        pk: TalliedArticle(article_id=pk, month=month_of(published_at), company_ids=[])
        for pk, published_at in Article.objects.filter(pk__in=ids, status=Article.Status.PUBLISHED).values_list(
            "pk", "published_at"
        )
    }
    for article_id, company_id in TaggedCompany.objects.filter(content_object_id__in=list(now)).values_list(
        "content_object_id", "tag_id"
    ):
        now[article_id].company_ids.append(company_id)

    months: dict[datetime.date, set[int]] = defaultdict(set)
    for tallied in [*before, *now.values()]:
        months[tallied.month].update(tallied.company_ids)
    for month, company_ids in sorted(months.items()):
        _recount(month, company_ids)

    TalliedArticle.objects.filter(article_id__in=ids).exclude(article_id__in=list(now)).delete()
    TalliedArticle.objects.bulk_create(
        now.values(), update_conflicts=True, unique_fields=["article_id"], update_fields=["month", "company_ids"]
    )


def _recount(month: datetime.date, company_ids: set[int]) -> None:
    """Count ``month`` again, for the whole archive and for these companies (those that still exist)."""
    start, end = month_bounds(month)
    articles = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gte=start, published_at__lt=end)
    ArchiveMonth.objects.bulk_create(
        [ArchiveMonth(month=month, count=articles.count())],
        update_conflicts=True,
        unique_fields=["month"],
        update_fields=["count"],
    )
    if not company_ids:
        return
    counts = Counter(
        dict(
            TaggedCompany.objects.filter(
                tag_id__in=company_ids,
                content_object__status=Article.Status.PUBLISHED,
                content_object__published_at__gte=start,
                content_object__published_at__lt=end,
            )
            .values("tag_id")
            .annotate(n=Count("id"))
            .values_list("tag_id", "n")
        )
    )
    existing = Company.objects.filter(pk__in=company_ids).values_list("pk", flat=True)
    CompanyMonth.objects.bulk_create(
        [CompanyMonth(company_id=pk, month=month, count=counts[pk]) for pk in existing],
        update_conflicts=True,
        unique_fields=["company", "month"],
        update_fields=["count"],
    )


def rebuild(*, batch_size: int = 5000, apps=None) -> None:
    """Count every month and company from scratch (articles read in batches: memory stays flat).

    ``apps``: a migration's app registry (its historical models), or None for the project's.
    """
    registry = apps or global_apps
    models = {name: registry.get_model("articles", name) for name in _REBUILT}
    article, citation, tallied = models["Article"], models["TaggedCompany"], models["TalliedArticle"]
    with transaction.atomic():
        _lock()  # no refresh writes between the deletes and the inserts
        for name in ("TalliedArticle", "ArchiveMonth", "CompanyMonth"):
            models[name].objects.all().delete()
        published = article.objects.filter(status=Article.Status.PUBLISHED)
        models["ArchiveMonth"].objects.bulk_create(
            models["ArchiveMonth"](month=row["month"].date(), count=row["n"])
            for row in published.annotate(month=TruncMonth("published_at")).values("month").annotate(n=Count("id"))
        )
        by_month = (
            citation.objects.filter(content_object__status=Article.Status.PUBLISHED)
            .annotate(month=TruncMonth("content_object__published_at"))
            .values("tag_id", "month")
            .annotate(n=Count("id"))
        )
        # bulk_create() makes a list of what it is given: at a million articles the rows
        # (companies × months) would all be objects in memory at once, so they go in slices.
        rows = by_month.iterator(chunk_size=batch_size)
        while chunk := list(itertools.islice(rows, batch_size)):
            models["CompanyMonth"].objects.bulk_create(
                models["CompanyMonth"](company_id=row["tag_id"], month=row["month"].date(), count=row["n"])
                for row in chunk
            )
        after = 0
        while True:
            rows = list(published.filter(pk__gt=after).order_by("pk").values_list("pk", "published_at")[:batch_size])
            if not rows:
                return
            companies = defaultdict(list)
            span = citation.objects.filter(content_object_id__gte=rows[0][0], content_object_id__lte=rows[-1][0])
            for article_id, company_id in span.values_list("content_object_id", "tag_id"):
                companies[article_id].append(company_id)
            tallied.objects.bulk_create(
                tallied(article_id=pk, month=month_of(published_at), company_ids=companies[pk])
                for pk, published_at in rows
            )
            after = rows[-1][0]


_REBUILT = ("Article", "TaggedCompany", "TalliedArticle", "ArchiveMonth", "CompanyMonth")
