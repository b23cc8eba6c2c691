"""Archive search: one interface, a backend per database.

Public interface (views, services, commands and benchmarks call only these):

- ``index_articles(article_ids)``: bring the index in step with these articles (new, edited,
  deleted); ``articles.services.refresh_after_commit`` calls it after each commit.
- ``rebuild_index(batch_size=1000)``: rebuild everything from scratch in batches, with flat
  memory (``manage.py rebuild_search_index``; the corpus generator calls it after loading).
- ``search(SearchRequest(...))``: a page of results with snippets, facets and a suggestion.
- ``refresh_recent_index()``: on PostgreSQL, make the second index, of the newest documents,
  again (``rebuild_search_index --recent-only``, now and then as the archive grows).

How it works (README, "Search", has the full story): every article becomes one document of
four weighted fields (``documents``), normalised in Python for French (``text``); the same
tokens feed PostgreSQL (tsvector + GIN, ``backends.postgres``) and SQLite (FTS5,
``backends.sqlite``), so both return the same hits. The reader's query is parsed once
(``query``) and rendered for each backend; visibility is ``Article.objects.published()`` at
query time. Only the page shown is ranked in detail, gets snippets and prefetches; counts
stop at ``MAX_RESULTS`` and facets are computed over at most that many matches.
"""

import datetime
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from .. import cache as page_cache
from ..models import Article, Company, SearchTerm, Section, TaggedCompany
from . import query as query_parser
from .backends import fetch_batch, get_backend
from .documents import Document, build_documents
from .snippets import Snippet, best_snippet
from .suggest import suggest

PAGE_SIZE = 20
# Beyond this many matches, counts say "more than" and facets describe the most recent ones:
# an exact count over half the archive would cost more than the rest of the page.
MAX_RESULTS = 500
MAX_PAGE = MAX_RESULTS // PAGE_SIZE
MAX_FACETS = 15

SORT_RELEVANCE = "pertinence"
SORT_DATE = "date"


# --- Indexing ---------------------------------------------------------------------------------


def index_articles(article_ids) -> None:
    """Bring the search index in step with these articles (called after commit).

    Existing articles are (re)indexed whatever their status; deleted ones leave the index.
    """
    ids = sorted({int(pk) for pk in article_ids if pk is not None})
    backend = get_backend()
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        documents, missing = build_documents(batch)
        with transaction.atomic():
            backend.write(documents)
            backend.delete(missing)
            _add_vocabulary(documents)


def rebuild_index(*, batch_size: int = 1000, progress=None, workers: int = 1) -> int:
    """Rebuild the whole index and vocabulary from the articles; return how many were indexed.

    Articles are read in primary-key batches of ``batch_size`` (keyset pagination, so memory
    stays flat however large the archive); each batch is written in its own transaction. The
    vocabulary's document frequencies are counted on the way and written at the end.
    ``progress(done)`` is called after each batch if given.

    ``workers`` > 1 (PostgreSQL only: SQLite takes one writer at a time) splits the articles
    into primary-key ranges indexed by that many processes at once: the French normalisation
    is Python work, so a million articles take about an hour on one core.
    """
    backend = get_backend()
    if workers > 1 and backend.vendor != "postgresql":
        raise ValueError("Plusieurs processus d'indexation : PostgreSQL seulement (SQLite n'a qu'un écrivain).")
    if workers > 1 and connection.in_atomic_block:
        # The processes' own connections would not see this transaction's work (nor its TRUNCATE).
        raise ValueError("Plusieurs processus d'indexation : impossible dans une transaction ouverte.")
    backend.clear()
    frequencies: Counter = Counter()
    displays: dict[str, tuple[str, bool]] = {}
    done = 0
    try:
        try:
            if workers > 1:
                parts = _index_in_processes(workers, batch_size, progress)
            else:
                parts = [_index_range(None, None, batch_size, progress)]
            for part_done, part_frequencies, part_displays in parts:
                done += part_done
                frequencies.update(part_frequencies)
                _merge_displays(displays, part_displays)
        finally:
            # Even after a failure, so that the index (dropped by clear()) is back.
            backend.finish_rebuild()
        with transaction.atomic():
            SearchTerm.objects.all().delete()
            SearchTerm.objects.bulk_create(
                (
                    _term(word, display, is_company, frequencies[word])
                    for word, (display, is_company) in displays.items()
                ),
                batch_size=2000,
            )
    finally:
        # Even after a failure: searches (and suggestions) stored in the page cache while the
        # index and the vocabulary were being rewritten go.
        transaction.on_commit(page_cache.purge_articles)
    return done


def refresh_recent_index() -> int | None:
    """Make the index of the newest documents again (PostgreSQL; see
    ``PostgresBackend.refresh_recent_index``): its lower key, or None when there is none."""
    return get_backend().refresh_recent_index()


def _merge_displays(displays: dict, new: dict) -> None:
    # A company's spelling wins over the same word met in a text.
    for word, value in new.items():
        if word not in displays or (value[1] and not displays[word][1]):
            displays[word] = value


def _index_range(first, last, batch_size: int, progress=None):
    """Index the articles with ``first <= pk <= last`` (None: unbounded); return how many, with
    their words' document frequencies and displayed forms."""
    backend = get_backend()
    frequencies: Counter = Counter()
    displays: dict[str, tuple[str, bool]] = {}
    done, after = 0, (first - 1 if first is not None else 0)
    articles = Article.objects.order_by("pk")
    if last is not None:
        articles = articles.filter(pk__lte=last)
    while True:
        batch = list(articles.filter(pk__gt=after).values_list("pk", flat=True)[:batch_size])
        if not batch:
            break
        documents, _ = build_documents(batch)
        with transaction.atomic():
            backend.write(documents)
        for document in documents:
            frequencies.update(document.vocabulary.keys())
            _merge_displays(displays, document.vocabulary)
        done += len(documents)
        after = batch[-1]
        if progress is not None:
            progress(done)
    return done, frequencies, displays


def _index_range_in_child(bounds: tuple[int, int, int]):
    first, last, batch_size = bounds
    return _index_range(first, last, batch_size)


def _index_in_processes(workers: int, batch_size: int, progress=None):
    """Index pk ranges of about 20 batches each in ``workers`` forked processes.

    Results come back in range order (so the vocabulary's spellings do not depend on which
    process finished first); a process that dies makes the rebuild fail (BrokenProcessPool)
    instead of waiting for it forever.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    pks = list(Article.objects.order_by("pk").values_list("pk", flat=True)[:: batch_size * 20])
    if not pks:
        return
    last_pk = Article.objects.order_by("-pk").values_list("pk", flat=True).first()
    ranges = [(start, (pks[i + 1] - 1) if i + 1 < len(pks) else last_pk, batch_size) for i, start in enumerate(pks)]
    # Each child opens its own connection: none may be inherited across the fork.
    connections.close_all()
    done = 0
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for part in pool.map(_index_range_in_child, ranges):
            done += part[0]
            if progress is not None:
                progress(done)
            yield part


def _term(word: str, display: str, is_company: bool, frequency: int = 1) -> SearchTerm:
    return SearchTerm(
        term=word,
        display=display[:100],
        prefix=word[:3],
        suffix=word[-3:],
        length=len(word),
        frequency=frequency,
        is_company=is_company,
    )


def _add_vocabulary(documents: list[Document]) -> None:
    """Add the words these documents bring; existing words keep their row (and frequency)."""
    words: dict[str, tuple[str, bool]] = {}
    for document in documents:
        _merge_displays(words, document.vocabulary)
    if words:
        SearchTerm.objects.bulk_create(
            [_term(word, display, is_company) for word, (display, is_company) in words.items()],
            ignore_conflicts=True,
            batch_size=1000,
        )
    company_words = [word for word, (_, is_company) in words.items() if is_company]
    if company_words:
        # A word first met in a text and later as a company name is proposed with its casing.
        for word in company_words:
            SearchTerm.objects.filter(term=word, is_company=False).update(is_company=True, display=words[word][0])


# --- Querying ---------------------------------------------------------------------------------


@dataclass
class SearchRequest:
    """What a reader asked for; the form validates it before it gets here."""

    text: str = ""
    companies: list[Company] = field(default_factory=list)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = SORT_RELEVANCE
    page: int = 1


@dataclass
class SearchHit:
    article: Article
    snippet: Snippet


@dataclass
class Facet:
    label: str
    value: str
    count: int


@dataclass
class SearchResults:
    request: SearchRequest
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    total_is_capped: bool = False  # more than MAX_RESULTS matches: ``total`` is MAX_RESULTS
    page: int = 1
    num_pages: int = 0
    company_facets: list[Facet] = field(default_factory=list)
    year_facets: list[Facet] = field(default_factory=list)
    suggestion: str | None = None
    message: str | None = None  # why there is nothing to search, in French

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def start_index(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.hits else 0


def _filtered(request: SearchRequest, published_from, published_before, *, from_companies: bool = False):
    """Published articles matching the company and date filters (no text yet); the dates as
    moments (``_date_bounds``).

    ``from_companies``: companies as a join, from which SQLite enumerates their articles (to
    count a filter's articles and test each, ``NewestFirst.recent_matches``); otherwise as a
    correlated ``EXISTS``, which SQLite tests on the articles it already has (a chunk of
    matches: a join made it read every citation of a much cited company). PostgreSQL plans
    both forms alike (``ArticleQuerySet.about``).
    """
    articles = Article.objects.published()
    for company in request.companies:
        # Several companies: articles about all of them (each facet link narrows the search).
        articles = articles.about(company, newest_first=not from_companies)
    if published_from is not None:
        articles = articles.filter(published_at__gte=published_from)
    if published_before is not None:
        articles = articles.filter(published_at__lt=published_before)
    return articles


def _date_bounds(request: SearchRequest) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The date filters as moments: from the start of ``date_from``, before the end of
    ``date_to`` (days of the site's time zone); None where there is no filter."""
    tz = timezone.get_current_timezone()
    start = end = None
    if request.date_from:
        start = datetime.datetime.combine(request.date_from, datetime.time.min, tzinfo=tz)
    if request.date_to:
        end = datetime.datetime.combine(request.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


class Passage(NamedTuple):
    heading: str
    anchor: str
    body: str


def _passages_statement(article_ids: list[int]) -> tuple[str, list]:
    """The sections of these articles (at least one) in order, as plain rows (snippets need no
    more): in SQL, the ORM spent 1 ms building and reading the query for a page of twenty
    results. Rows: (article id, heading, anchor, body)."""
    placeholders = ", ".join(["%s"] * len(article_ids))
    sql = (
        f"SELECT article_id, heading, anchor, body FROM {Section._meta.db_table} "
        f"WHERE article_id IN ({placeholders}) ORDER BY article_id, position, id"
    )
    return sql, list(article_ids)


def _year_counts(seconds) -> Counter:
    """How many of these moments (epoch seconds) fall in each year of the site's time zone.

    Moments come newest first: one conversion per year, not one per moment.
    """
    tz = timezone.get_current_timezone()
    counts: Counter = Counter()
    start = end = year = None
    for moment in seconds:
        if start is None or not start <= moment < end:
            year = datetime.datetime.fromtimestamp(moment, tz).year
            start = datetime.datetime(year, 1, 1, tzinfo=tz).timestamp()
            end = datetime.datetime(year + 1, 1, 1, tzinfo=tz).timestamp()
        counts[year] += 1
    return counts


def search(request: SearchRequest) -> SearchResults:
    """Run a search; a bounded number of queries whatever the number of matches.

    1. The backend finds the ``MAX_RESULTS + 1`` most recent published matches
       (``backend.recent_matches``), reading about that many index entries however common the
       words are: the count (capped), the candidate set and the facets' scope. Two queries
       on SQLite (the newest chunk of the index, then its published articles), two on
       PostgreSQL (document count and word frequencies; the chunk with its articles, with the
       SET LOCAL of a window or a walk in the same round trip), and sometimes a third: the
       planner's estimate (EXPLAIN) for words the vocabulary cannot count (short words,
       digits), a small window's bound, or the key histogram after an ANALYZE (each process
       keeps it until the next one); filters that keep few of the newest matches cost a
       further chunk or a wider window, a bounded number of times. Filters (companies,
       dates) that keep at most ``backends.FILTER_FIRST_MAX`` articles are applied first:
       a count of them, then those holding the words, newest first (two queries).
    2. The page is ranked within those candidates (``backend.ranked_statement``), or cut from
       them by date, in the same round trip as the company facets (one aggregation); then
       the page's articles, and their companies and sections (two round trips on PostgreSQL,
       three queries on SQLite, where there is no round trip: it runs in the process).
    3. The candidates' years give the year facets.

    With no match, a few vocabulary look-ups look for a suggestion instead. When there are
    more than ``MAX_RESULTS`` matches, relevance and facets concern the most recent
    ``MAX_RESULTS`` of them, and ``total_is_capped`` says so.
    """
    results = SearchResults(request=request, page=request.page)
    parsed = query_parser.parse(request.text)
    if parsed.only_exclusions:
        results.message = "Ajoutez au moins un mot à rechercher : une exclusion (-mot) seule ne suffit pas."
        return results
    if parsed.is_empty:
        if request.text.strip():
            results.message = "Votre recherche ne contient aucun mot : essayez avec des lettres ou des chiffres."
        return results

    backend = get_backend()
    filtered = bool(request.companies or request.date_from or request.date_to)
    published_from, published_before = _date_bounds(request)
    matches = backend.recent_matches(
        _filtered(request, published_from, published_before),
        parsed,
        MAX_RESULTS + 1,
        filtered=_filtered(request, published_from, published_before, from_companies=True) if filtered else None,
        published_from=published_from,
        published_before=published_before,
    )
    results.total_is_capped = len(matches) > MAX_RESULTS
    matches = matches[:MAX_RESULTS]
    candidates = [pk for pk, _ in matches]
    results.total = len(candidates)
    results.num_pages = math.ceil(results.total / PAGE_SIZE)
    if not candidates:
        # Nothing found: perhaps a typo ("Microsfot"). Only then is the vocabulary consulted.
        results.suggestion = suggest(parsed)
        return results

    start, stop = (request.page - 1) * PAGE_SIZE, request.page * PAGE_SIZE
    # The ranking and the company facets in one round trip (``fetch_batch``), then the page's
    # companies and sections in another; the articles come through the ORM.
    statements = [_company_facets_statement(backend, candidates)]
    if request.sort != SORT_DATE:
        statements.append(backend.ranked_statement(candidates, parsed, start, stop))
    facet_rows, *ranked_rows = fetch_batch(statements)
    results.company_facets = [Facet(name, slug, count) for name, slug, count in facet_rows]
    page_ids = backend.ranked_page(ranked_rows[0], candidates, start, stop) if ranked_rows else candidates[start:stop]
    page = Article.objects.in_order(page_ids)
    passages: dict[int, list[Passage]] = {}
    if page:
        companies, sections = fetch_batch(
            [Article.card_companies_statement([article.pk for article in page]), _passages_statement(page_ids)]
        )
        Article.attach_card_company_rows(page, companies)
        for article_id, *passage in sections:
            passages.setdefault(article_id, []).append(Passage(*passage))
    results.hits = [SearchHit(article, best_snippet(article, parsed, passages.get(article.pk, []))) for article in page]

    years = sorted(_year_counts(seconds for _, seconds in matches).items(), reverse=True)
    results.year_facets = [Facet(str(year), str(year), count) for year, count in years[:30]]
    return results


def _company_facets_statement(backend, candidates: list[int]) -> tuple[str, list]:
    """The companies most cited among the candidates, most cited first, then by name: rows of
    (name, slug, count).

    Citations are counted per company id and only then joined to the companies' names: the
    ORM's grouping by name joins every citation first (4 ms instead of 2.5 for 500 matches).
    """
    citations, companies = TaggedCompany._meta.db_table, Company._meta.db_table
    sql = (
        f"SELECT c.name, c.slug, f.n FROM (SELECT tag_id, COUNT(*) AS n FROM {citations} "
        f"WHERE content_object_id IN ({backend.IDS_SQL}) GROUP BY tag_id) AS f "
        f"JOIN {companies} AS c ON c.id = f.tag_id ORDER BY f.n DESC, c.name LIMIT %s"
    )
    return sql, [backend.ids_param(candidates), MAX_FACETS]
