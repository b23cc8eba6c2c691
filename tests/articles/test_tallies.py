"""Monthly tallies: counts that follow every write path, the live current month, rebuilds, pages."""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services, tallies
from articles.models import ArchiveMonth, Article, CompanyMonth, TalliedArticle
from articles.views import YearArchive
from tests.factories import make_article, make_company, make_superuser

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=1))
MARCH = datetime.date(2021, 3, 1)
APRIL = datetime.date(2021, 4, 1)


def at(month: datetime.date, day: int = 10) -> datetime.datetime:
    return datetime.datetime(month.year, month.month, day, 12, tzinfo=TZ)


def counted(company=None) -> dict:
    return tallies.monthly_counts(company=company)


def stored() -> tuple[set, set, set]:
    return (
        set(ArchiveMonth.objects.filter(count__gt=0).values_list("month", "count")),
        set(CompanyMonth.objects.filter(count__gt=0).values_list("company_id", "month", "count")),
        {(t.article_id, t.month, tuple(sorted(t.company_ids))) for t in TalliedArticle.objects.all()},
    )


def test_months_count_published_articles_per_company_and_for_the_archive():
    """Published articles are counted in their month, for the archive and for each company; drafts are not."""
    apple, google = make_company("Apple"), make_company("Google")
    make_article(published_at=at(MARCH), companies=[apple, google])
    make_article(published_at=at(MARCH, 20), companies=[apple])
    make_article(published_at=at(APRIL), companies=[google])
    make_article(status=Article.Status.DRAFT, companies=[apple])
    assert counted() == {MARCH: 2, APRIL: 1}
    assert counted(apple) == {MARCH: 2}
    assert counted(google) == {MARCH: 1, APRIL: 1}


def test_an_article_leaves_the_months_and_companies_it_was_counted_in(django_capture_on_commit_callbacks):
    """Moving an article to another month, dropping a company, unpublishing or deleting it
    recounts the month and companies it was counted in before, through the services."""
    apple, google = make_company("Apple"), make_company("Google")
    article = make_article(published_at=at(MARCH), companies=[apple, google])
    make_article(published_at=at(MARCH), companies=[google])

    with django_capture_on_commit_callbacks(execute=True):
        article.published_at = at(APRIL)
        article.save()
        article.companies.set([google])  # as the admin's form does
        services.article_saved(article=article)
    assert counted() == {MARCH: 1, APRIL: 1}
    assert counted(apple) == {}
    assert counted(google) == {MARCH: 1, APRIL: 1}

    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=article)
    assert counted() == {MARCH: 1}
    assert counted(google) == {MARCH: 1}

    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=article)
    assert counted(google) == {MARCH: 1, APRIL: 1}

    with django_capture_on_commit_callbacks(execute=True):
        services.articles_delete(articles=[article])
    assert counted() == {MARCH: 1}
    assert counted(google) == {MARCH: 1}
    assert not TalliedArticle.objects.filter(article_id=article.pk).exists()


def test_a_merge_moves_the_counts_to_the_company_kept(django_capture_on_commit_callbacks):
    """After merging two companies, the one kept counts the articles of both, once each."""
    openai, open_ai = make_company("OpenAI"), make_company("Open AI")
    make_article(published_at=at(MARCH), companies=[openai, open_ai])
    make_article(published_at=at(MARCH), companies=[open_ai])
    with django_capture_on_commit_callbacks(execute=True):
        services.company_merge(source=open_ai, into=openai)
    assert counted(openai) == {MARCH: 2}
    assert not CompanyMonth.objects.filter(company_id=open_ai.pk).exists()


def test_the_current_month_is_counted_from_the_articles_as_they_are_now():
    """A scheduled article of this month is counted once its time has come, with no write, and
    not before: this month is read from the articles, not from the tallies."""
    now = timezone.now()
    make_article(published_at=now - timedelta(seconds=1))
    scheduled = make_article(published_at=now + timedelta(days=400))
    # Totals, not this month's count: at midnight on the 1st "a second ago" is last month.
    assert sum(counted().values()) == 1
    assert tallies.month_of(scheduled.published_at) not in counted()
    # Its date reached (moved into the past without going through the services):
    Article.objects.filter(pk=scheduled.pk).update(published_at=now - timedelta(seconds=2))
    assert sum(counted().values()) == 2


def test_a_rebuild_finds_what_the_refreshes_kept():
    """Counting everything again gives exactly the rows the after-commit refreshes left, when
    the rows are written in slices smaller than their number."""
    apple, google = make_company("Apple"), make_company("Google")
    for day, companies in [(1, [apple]), (2, [apple, google]), (3, []), (31, [google])]:
        make_article(published_at=at(MARCH, day), companies=companies)
    make_article(published_at=at(APRIL), companies=[google])
    make_article(status=Article.Status.DRAFT, companies=[apple])
    incremental = stored()
    assert len(incremental[1]) > 2  # company-month rows: more than one slice of two
    tallies.rebuild(batch_size=2)
    assert stored() == incremental
    assert incremental[0] == {(MARCH, 4), (APRIL, 1)}


def test_months_follow_the_site_time_zone():
    """An article published at 23:30 UTC on 31 March is an April article in Paris."""
    make_article(published_at=datetime.datetime(2021, 3, 31, 23, 30, tzinfo=datetime.UTC))
    assert counted() == {APRIL: 1}


def test_company_page_chart_and_year_archive_read_the_tallies(client):
    """The chart totals a company's months and a year page lists its months; an empty year is a 404."""
    apple = make_company("Apple")
    for month in range(1, 13):
        make_article(published_at=at(datetime.date(2020, month, 1)), companies=[apple])
    response = client.get(apple.get_absolute_url())
    assert response.context["chart"].total == 12
    year = client.get("/archives/2020/")
    assert [m.month for m in year.context["date_list"]] == list(range(1, 13))
    assert client.get("/archives/1990/").status_code == 404


def test_year_months_are_one_query_each_whatever_the_year_holds(django_assert_num_queries, rf):
    """Listing a year's months costs two queries (tallies, and the live current month), for one
    month as for twelve."""
    for month in (1, 6, 12):
        make_article(published_at=at(datetime.date(2019, month, 1)))
    view = YearArchive(request=rf.get("/"), kwargs={"year": "2019"})
    with django_assert_num_queries(2):
        months = view.get_date_list(Article.objects.none())
    assert [m.month for m in months] == [1, 6, 12]


def test_deleting_an_article_in_the_admin_recounts_its_month(client, django_capture_on_commit_callbacks):
    """The admin's delete page goes through the service: the month loses the article at once."""
    make_article(published_at=at(MARCH))
    article = make_article(published_at=at(MARCH))
    client.force_login(make_superuser("admin"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert counted() == {MARCH: 1}


def test_both_ways_of_reading_a_companys_articles_find_the_same_ones():
    """Newest first (EXISTS) or from the citations (join): the same articles, drafts excluded."""
    apple, google = make_company("Apple"), make_company("Google")
    cited = [make_article(companies=[apple]), make_article(companies=[apple, google])]
    make_article(companies=[google])
    make_article(status=Article.Status.DRAFT, companies=[apple])
    published = Article.objects.published().order_by("pk")
    assert list(published.about(apple)) == list(published.about(apple, newest_first=True)) == cited


def test_a_company_is_widely_cited_from_the_square_root_of_cap_times_archive(django_assert_num_queries):
    """With 1,000 articles counted, a company needs 1,000 (sqrt of 1,000 × 1,000) to be read newest first."""
    ArchiveMonth.objects.create(month=MARCH, count=600)
    ArchiveMonth.objects.create(month=APRIL, count=400)
    with django_assert_num_queries(1):
        assert tallies.is_widely_cited(1000, cap=1000)
    assert not tallies.is_widely_cited(999, cap=1000)


def test_widely_cited_picks_the_companies_read_newest_first_in_two_queries(django_assert_num_queries):
    """With 100 articles counted and a cap of 4, a company needs 20 citations (sqrt of 4 × 100)."""
    ArchiveMonth.objects.create(month=MARCH, count=100)
    wide, narrow, absent = make_company("Large"), make_company("Étroite"), make_company("Absente")
    CompanyMonth.objects.create(company=wide, month=MARCH, count=12)
    CompanyMonth.objects.create(company=wide, month=APRIL, count=8)
    CompanyMonth.objects.create(company=narrow, month=MARCH, count=19)
    with django_assert_num_queries(2):
        assert tallies.widely_cited([wide, narrow, absent], cap=4) == {wide.pk}
