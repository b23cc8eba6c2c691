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
    largest keys in ``floor <= key < upper`` (``floor`` None: no lower bound), largest first.
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

    def recent_matches(self, queryset, parsed, limit: int, *, filtered: bool = False) -> list[tuple[int, int]]:
        """The ``limit`` most recent articles of ``queryset`` that match: [(id, epoch second)].

        The publication second comes with each id for the year facets: an integer is read much
        faster than a timestamp (and SQLite's year extraction is a Python function per row).

        Newest first, in key order (publication second, then id). Matches are read from the
        index in descending key order, one chunk at a time (``newest``), then only that
        chunk's articles go through ``queryset`` (published, companies, dates): two queries.
        The first chunk usually suffices. Filters that keep few matches cost further chunks,
        each larger, and a window that holds too few is widened, so the number of queries
        stays small. ``filtered``: ``queryset`` filters on more than publication (companies,
        dates), so it may keep few of the matches met.
        """
        query = self.prepare(parsed)
        found: list[tuple[int, int]] = []
        upper = upper_key()
        floor = self.first_floor(parsed, query, limit, upper, filtered)
        size = int(limit * CHUNK_MARGIN) + CHUNK_SLACK
        while True:
            chunk = self.newest(query, floor, upper, size)
            if chunk:
                found.extend(
                    queryset.filter(pk__in=self.ids([pk for pk, _ in chunk]))
                    # Key order (second, then id): the same whichever chunk an article falls in.
                    .annotate(second=EpochSeconds("published_at"))
                    .order_by("-second", "-pk")
                    .values_list("pk", "second")
                )
            if len(found) >= limit:
                return found[:limit]
            if len(chunk) == size:
                upper, size = chunk[-1][1], size * CHUNK_GROWTH  # more matches below this chunk
            elif floor is not None:
                upper, floor = floor, self.widen(len(found), limit)  # this range is exhausted
            else:
                return found  # no more matches anywhere

    def first_floor(self, parsed, query, limit: int, upper: int, filtered: bool = False) -> int | None:
        return None

    def widen(self, found: int, limit: int) -> int | None:
        return None


def get_backend():
    """The backend for the database in use: PostgreSQL (tsvector + GIN) or SQLite (FTS5)."""
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from .sqlite import SqliteBackend

        return SqliteBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}.")
