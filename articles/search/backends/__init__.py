"""One backend per database; ``get_backend()`` picks the one for the default connection.

Both backends store each document under its sort key (``documents.sort_key``: publication
second, then id) and share ``NewestFirst.recent_matches``: the most recent matches are read in
key order, a chunk at a time, so a search reads about as many index entries as it shows
candidates, whether the word is in a hundred articles or in half a million.
"""

from django.db import connection
from django.db.models import BigIntegerField, Func
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ..documents import KEY_SCALE, second_floor, sort_key

# The first chunk is a little larger than the request (a few drafts or scheduled articles may
# be among the matches); a chunk that held too few public matches is followed by one
# CHUNK_GROWTH times larger.
CHUNK_MARGIN = 1.1
CHUNK_SLACK = 10
CHUNK_GROWTH = 4
# Filters (companies, dates) that keep at most this many published articles are applied first,
# and those articles are tested for the words one by one (10–20 µs each), instead of the
# newest matches being read chunk after chunk until enough pass the filters: a common word
# with a company cited in twenty articles read most of the index that way (0.4 s at
# 100,000 articles, seconds at a million).
FILTER_FIRST_MAX = 1_000


def upper_key() -> int:
    """Above the key of every article public now: a public article is published by now
    (``Article.objects.published()``), so articles scheduled later, whose keys are larger, are
    not even read."""
    return second_floor(sort_key(0, timezone.now())) + KEY_SCALE


class EpochSeconds(Func):
    """A timestamp as whole seconds since 1970 (UTC), computed by the database."""

    output_field = BigIntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="floor(extract(epoch FROM %(expressions)s))::bigint", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # substr(): whole seconds (strftime rounds ".999999" up), as floor() does on PostgreSQL.
        # "%%%%s": once for this template, once for the placeholder conversion, leaving "%s".
        template = "CAST(strftime('%%%%s', substr(%(expressions)s, 1, 19)) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)


class NewestFirst:
    """Reading the newest matches in key order; a backend provides the SQL.

    ``newest(query, floor, upper, size)``: [(article id, key)] of the ``size`` matches with the
    largest keys in ``floor <= key < upper`` (``floor`` None: no lower bound), largest first;
    ``chunk`` reads them and filters their articles (a backend may do both in one statement).
    ``holds(query)``: a condition on articles (``queryset.filter``), true of those whose
    document matches ``query`` (from ``prepare``), tested article by article.
    ``ranked_statement(candidates, parsed, start, stop)``: (sql, params) of a statement whose
    rows ``ranked_page(rows, candidates, start, stop)`` makes the ids of the candidates from
    ``start`` to ``stop`` by relevance, newer first among equals (``search`` sends it with
    another statement, ``fetch_batch``).
    ``first_floor(parsed, query, limit, upper, filtered)``: a lower bound expected to hold ``limit``
    matches below ``upper``, or None. ``widen(found, limit)``: the next, lower bound once the
    range above the current one is exhausted (``found`` of the ``limit`` matches wanted are
    found), or None for no bound. ``IDS_SQL``: a subquery of the ids sent as one parameter
    (``ids_param``).
    """

    IDS_SQL = ""

    def ids(self, pks: list[int]) -> RawSQL:
        """``pk__in=backend.ids(pks)``: the ids as the one parameter of ``IDS_SQL``."""
        return RawSQL(self.IDS_SQL, [self.ids_param(pks)])

    def ids_param(self, pks: list[int]):
        """``pks`` as the one parameter of ``IDS_SQL``: a list of a thousand ids sent as one
        parameter, not a thousand (psycopg spends longer rewriting a query of a thousand
        placeholders than PostgreSQL spends running it)."""
        return list(pks)

    def recent_matches(
        self, queryset, parsed, limit: int, *, filtered=None, published_from=None, published_before=None
    ) -> list[tuple[int, int]]:
        """The ``limit`` most recent articles of ``queryset`` that match: [(id, epoch second)].

        The publication second comes with each id for the year facets: an integer is read much
        faster than a timestamp (and SQLite's year extraction is a Python function per row).

        Newest first, in key order (publication second, then id). Matches are read from the
        index in descending key order, one chunk at a time, then only that chunk's articles
        go through ``queryset`` (published, companies, dates): ``chunk``, two queries (one
        statement on PostgreSQL).
        The first chunk usually suffices. Filters that keep few matches cost further chunks,
        each larger, and a window that holds too few is widened, so the number of queries
        stays small. ``filtered``: given when ``queryset`` filters on more than publication
        (companies, dates), so it may keep few of the matches met: the same articles, written
        for the database to enumerate them from the filters. When they are at most
        FILTER_FIRST_MAX, those are tested for the words instead (``holds``): one count, one
        query. ``published_from`` and ``published_before`` (datetimes, the date filters'
        bounds) bound the keys read: a year long ago is read from its own last key down to its
        first, not from today's (at a million articles, 2 to 7 s for a word in that year).
        """
        query = self.prepare(parsed)
        if (
            filtered is not None
            and filtered.order_by().values("pk")[: FILTER_FIRST_MAX + 1].count() <= FILTER_FIRST_MAX
        ):
            return list(in_key_order(filtered.filter(self.holds(query)))[:limit])
        found: list[tuple[int, int]] = []
        upper = upper_key()
        if published_before is not None:
            upper = min(upper, sort_key(0, published_before))
        lowest = None if published_from is None else sort_key(0, published_from)
        if lowest is not None and lowest >= upper:
            return found
        floor = at_least(self.first_floor(parsed, query, limit, upper, filtered is not None), lowest)
        size = int(limit * CHUNK_MARGIN) + CHUNK_SLACK
        while True:
            public, read, last_key = self.chunk(queryset, query, floor, upper, size)
            found.extend(public)
            if len(found) >= limit:
                return found[:limit]
            if read == size:
                upper, size = last_key, size * CHUNK_GROWTH  # more matches below this chunk
            elif floor is not None and floor != lowest:
                # This range is exhausted: the next one, no lower than the date filter's.
                upper, floor = floor, at_least(self.widen(len(found), limit), lowest)
            else:
                return found  # no more matches anywhere (or within the dates)

    def chunk(self, queryset, query, floor, upper: int, size: int) -> tuple[list[tuple[int, int]], int, int | None]:
        """A chunk of matches (``newest``) and its articles kept by ``queryset``: ([(id, epoch
        second)] of those, in key order; how many matches the chunk held; its smallest key)."""
        chunk = self.newest(query, floor, upper, size)
        if not chunk:
            return [], 0, None
        return list(public_matches(queryset, self.ids([pk for pk, _ in chunk]))), len(chunk), chunk[-1][1]

    def first_floor(self, parsed, query, limit: int, upper: int, filtered: bool = False) -> int | None:
        return None

    def widen(self, found: int, limit: int) -> int | None:
        return None


def at_least(floor: int | None, lowest: int | None) -> int | None:
    """A lower key bound no lower than ``lowest`` (None: no bound)."""
    if lowest is None:
        return floor
    return lowest if floor is None or floor < lowest else floor


def public_matches(queryset, ids):
    """[(id, epoch second)] of the articles of ``queryset`` among ``ids`` (``pk__in``), in key
    order (``in_key_order``)."""
    return in_key_order(queryset.filter(pk__in=ids))


def in_key_order(queryset):
    """[(id, epoch second)] of the articles of ``queryset`` in key order (second, then id,
    newest first): the same whichever chunk an article falls in."""
    return queryset.annotate(second=EpochSeconds("published_at")).order_by("-second", "-pk").values_list("pk", "second")


def takes_several_statements(cursor) -> bool:
    """Whether ``cursor`` runs several statements, parameters included, in one ``execute()``:
    psycopg's client-side binding cursor (what Django uses on PostgreSQL unless the
    ``server_side_binding`` option is set). SQLite's module takes one statement at a time."""
    if connection.vendor != "postgresql":
        return False
    try:
        from psycopg import ClientCursor
    except ImportError:  # psycopg2, which Django also supports: one statement at a time
        return False
    return isinstance(cursor.cursor, ClientCursor)


def fetch_batch(statements: list[tuple[str, list]]) -> list[list[tuple]]:
    """The rows of each ``(sql, params)`` statement, in order, in one round trip when the
    connection takes several statements at once (``takes_several_statements``), else one by one.

    On PostgreSQL each round trip wakes the server process and waits for it: under load, a
    small query cost 0.3–0.6 ms that way, more than running it. (SQLite runs in the process.)
    """
    with connection.cursor() as cursor:
        if len(statements) > 1 and takes_several_statements(cursor):
            cursor.execute("; ".join(sql for sql, _ in statements), [p for _, params in statements for p in params])
            results = [cursor.fetchall()]
            while cursor.nextset():
                results.append(cursor.fetchall())
            return results
        results = []
        for sql, params in statements:
            cursor.execute(sql, params)
            results.append(cursor.fetchall())
        return results


def get_backend():
    """The backend for the database in use: PostgreSQL (tsvector + GIN) or SQLite (FTS5)."""
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from .sqlite import SqliteBackend

        return SqliteBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}.")
