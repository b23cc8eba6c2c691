"""PostgreSQL backend: weighted tsvectors built in Python, a GIN index, ``ts_rank`` on a small vector.

The vectors are written as tsvector literals from the tokens of ``documents.Document``, not
through ``to_tsvector``: the tokens are already normalised (accents, elisions, French stemming)
exactly as the SQLite backend gets them, which is what makes both return the same hits.
Queries are tsquery literals built by ``query.ParsedQuery.to_tsquery`` from those tokens, cast
with ``::tsquery``: the reader's text never reaches ``to_tsquery``.

Matching reads the newest matches (``recent_matches``): a rare word's through the GIN index,
a more frequent word's through the GIN index within a window of the most recent documents
(``sort_key``), and a common word's by walking the sort keys down; ranking reads ``head``
(title, companies, standfirst, headings: a few hundred bytes, stored in the row) rather than
the whole body vector, which would have to be fetched out of line for every match.
"""

import bisect
import json
import math

from django.db import connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from ...models import SearchTerm
from ..documents import MIN_VOCABULARY_LENGTH, second_floor
from . import NewestFirst, public_matches, takes_several_statements

GIN_INDEX = "articles_searchdocument_document_gin"  # made by migration 0002_search
KEY_INDEX = "articles_searchdocument_sort_key"  # made by migration 0003_search_sort_key
# A second GIN index, partial: the documents from a fixed key up, the newest RECENT_DOCUMENTS
# when it was made (``refresh_recent_index``), and those added since.
RECENT_GIN_INDEX = "articles_searchdocument_recent_gin"
RECENT_DOCUMENTS = 50_000
RECENT_INDEX_LOCK = 7_310_562  # the advisory lock a refresh holds (any number no other code uses)

# How many of the best matches by head rank are ranked again on their whole document.
RERANK = 100

# ts_rank weights, in the order {D, C, B, A}: title above companies, standfirst and headings.
RANK_WEIGHTS = "{0.1, 0.4, 0.4, 1.0}"

# The first window holds WINDOW_MARGIN times as many documents as the estimate says are needed,
# at most FIRST_WINDOW_MAX (the planner's estimate of a word outside its most common elements is a
# fixed 0.5 %, an underestimate for a word in 2 % of the archive, or for a phrase); from
# WHOLE_INDEX_SHARE of the index on, there is no window. Widening: see ``widen``.
WINDOW_MARGIN = 1.5
FIRST_WINDOW_MAX = 64_000
WHOLE_INDEX_SHARE = 0.5
WINDOW_GROWTH = 4
WINDOW_MIN_GROWTH = 2
# Reading a row of the key walk (its out-of-line vector fetched and tested: 4–7 µs) costs about
# as much as reading WALK_ROW_COST documents of a GIN list into a bitmap (0.13 µs each).
WALK_ROW_COST = 40
# A window of up to this many documents is bounded by walking its keys (0.1 µs each), a larger
# one from the keys' quantiles (``window_floor``).
WALKED_KEYS = 5_000
# A phrase, and each further required word, keep this share of the documents of the rarest word.
PHRASE_SHARE = 2
AND_SHARE = 2

# The sort keys' histogram of each database (alias), with when the table was last analysed
# as it was read: (analysed, bounds); see ``PostgresBackend.key_quantiles``.
_HISTOGRAMS: dict[str, tuple[str, list[int]]] = {}
ESTIMATED = "SELECT 1 FROM articles_searchdocument WHERE document @@ %s::tsquery"
UPSERT = (
    "INSERT INTO articles_searchdocument (article_id, document, head, sort_key) "
    "VALUES (%s, %s::tsvector, %s::tsvector, %s) "
    "ON CONFLICT (article_id) DO UPDATE "
    "SET document = EXCLUDED.document, head = EXCLUDED.head, sort_key = EXCLUDED.sort_key"
)


def vocabulary_words(parsed) -> set[str] | None:
    """The query's words, if the vocabulary can tell how many documents hold each of them;
    None when one is outside its scope (shorter than four letters, digits, non-Latin), where
    only the planner can tell."""
    words = {word for group in parsed.groups for item in group for word in item.words}
    if not words or any(len(w) < MIN_VOCABULARY_LENGTH or not (w.isalpha() and w.isascii()) for w in words):
        return None
    return words


def estimate_from(parsed, frequency: dict[str, int]) -> int:
    """How many documents match, from the vocabulary's document frequencies of the query's
    words (``SearchTerm``, exact at the last rebuild; see ``PostgresBackend.statistics``): each
    word's frequency, half of a phrase's rarest word, the sum over an OR, the smallest
    required group halved by each other required group. A word within the vocabulary's scope
    (``vocabulary_words``) but absent from it matches nothing (every indexed word is added)."""
    groups = [sum(_item_estimate(item, frequency) for item in group) for group in parsed.groups]
    # Words searched together tend to go together: each further required word is taken to keep
    # half of the documents of the rarest (independent words keep far fewer; the window is then
    # too small, and widening sizes the next one from the share of matches met).
    return min(groups) // AND_SHARE ** (len(groups) - 1)


def _item_estimate(item, frequency: dict) -> int:
    # A phrase is in fewer documents than its rarest word, but the words of a phrase someone
    # searches for are mostly found together: half of them. Guessing too many costs one
    # widening of a window too small; guessing too few can leave no window at all, and then
    # every document holding the words is read, its whole vector fetched to check positions.
    fewest = min(frequency.get(word, 0) for word in item.words)
    return fewest if len(item.words) == 1 else fewest // PHRASE_SHARE


def floor_from_quantiles(bounds: list[int], indexed: int, rows: int, upper: int) -> int | None:
    """A sort key with at least about ``rows`` of ``indexed`` documents between it and ``upper``,
    from the keys' histogram ``bounds`` (equal shares of the documents between consecutive
    bounds), down to the start of its second; None when that reaches below every key.

    The key is a bound itself: the window is rounded up to whole buckets (a hundredth of the
    archive each, with PostgreSQL's default statistics target). Within a bucket, keys are not
    spread evenly (a newsroom's quiet months, or the months between an imported archive and
    today): a key placed by proportion inside one could leave a window nearly empty.
    """
    buckets = len(bounds) - 1
    if buckets < 1:
        return None
    # The share of documents from ``upper`` up (scheduled articles), then from the floor up.
    share = rows / indexed + _share_from(bounds, upper)
    if share >= 1:
        return None
    bucket = min(int((1 - share) * buckets), buckets - 1)
    return second_floor(min(bounds[bucket], upper - 1))


def _share_from(bounds: list[int], key: int) -> float:
    """The share of documents whose sort key is ``key`` or more, by the histogram ``bounds``."""
    buckets = len(bounds) - 1
    if key <= bounds[0]:
        return 1.0
    if key >= bounds[-1]:
        return 0.0
    bucket = bisect.bisect_right(bounds, key) - 1
    low, high = bounds[bucket], bounds[bucket + 1]
    return (buckets - bucket - 1 + (high - key) / max(high - low, 1)) / buckets


class PostgresBackend(NewestFirst):
    vendor = "postgresql"
    walk = False
    _together: str | None = None  # the query without positions, when it has a phrase (``prepare``)
    _quantiles: list[int] | None = None  # the sort keys' histogram, once read (``window_floor``)
    _analysed: str | None = None  # when the table was last analysed, as the ``statistics`` read it
    _indexed = 0
    _last_floor: int | None = None
    IDS_SQL = "SELECT unnest(%s::bigint[])"

    def ids_param(self, pks: list[int]) -> str:
        # An array literal: psycopg dumps a Python list element by element, ten times slower.
        return "{" + ",".join(map(str, map(int, pks))) + "}"

    def write(self, documents) -> None:
        rows = [(doc.article_id, *doc.tsvector_literals(), doc.sort_key) for doc in documents]
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(UPSERT, rows)

    def delete(self, article_ids) -> None:
        if article_ids:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM articles_searchdocument WHERE article_id = ANY(%s)", [list(article_ids)])

    def prepare(self, parsed) -> str:
        # Phrases: the GIN index finds the documents holding the words, and positions (only in
        # each document's whole vector, stored out of line) are checked newest first (``chunk``).
        self._together = parsed.to_tsquery(positions=False) if parsed.has_phrase else None
        return parsed.to_tsquery()

    def chunk(self, queryset, query: str, floor, upper: int, size: int):
        """The newest ``size`` matches below ``upper`` (and from ``floor``) and those of their
        articles ``queryset`` keeps, in one statement (``NewestFirst.chunk``): the matches are
        a materialised CTE, the articles are looked up by id from it.

        The GIN index finds matches in no order, and testing ``@@`` row by row reads each
        row's whole vector (about 5 KB, out of line). So a word is read one of three ways
        (``first_floor`` chooses): a rare word's matches are all read through the GIN index,
        then sorted; within a ``floor`` (a window of recent keys), PostgreSQL intersects the
        GIN matches with the key range (BitmapAnd) before reading any row; a common word
        (``walk``) is read by walking the keys down, testing each row, until ``size`` match.

        The planner is not given the choice: its cost model does not count fetching each
        out-of-line vector, and once the table's physical order follows the keys (articles
        appended as they are published) it walks the key index testing ``@@`` on every row of
        a window (60 ms instead of 5 for a word in 8 % of the archive at 100,000), or reads a
        common word's whole GIN list. Within a window plain index scans are off for the
        statement, and for a walk bitmap scans are (``SET LOCAL``, see ``_read``); the
        articles are then read by bitmap or plain index scans of their primary key.

        A query with a phrase, unless walked, is read in two steps: the documents holding the
        phrase's words (decided by the GIN index alone) in key order, then the phrase checked
        on each, newest first, until ``size`` match. Only those documents' vectors are fetched,
        not those of every document of the window that holds the words (``OFFSET 0`` keeps
        PostgreSQL from checking the phrase in the first step).
        """
        if self._together is not None and not self.walk:
            where, params = self._range(self._together, floor, upper)
            newest = (
                "SELECT article_id, sort_key FROM (SELECT article_id, sort_key, document "
                f"FROM articles_searchdocument WHERE {where} ORDER BY sort_key DESC OFFSET 0) AS together "
                "WHERE document @@ %s::tsquery ORDER BY sort_key DESC LIMIT %s"
            )
            params = [*params, query, size]
        else:
            where, params = self._range(query, floor, upper)
            newest = f"SELECT article_id, sort_key FROM articles_searchdocument WHERE {where} ORDER BY sort_key DESC"
            newest, params = f"{newest} LIMIT %s", [*params, size]
        articles = public_matches(queryset, RawSQL("SELECT article_id FROM chunk", [])).order_by()
        articles_sql, articles_params = articles.query.sql_with_params()
        sql = (
            f"WITH chunk AS MATERIALIZED ({newest}), public (id, second) AS ({articles_sql}) "
            "SELECT s.n, s.last, p.id, p.second FROM (SELECT count(*), min(sort_key) FROM chunk) AS s (n, last) "
            "LEFT JOIN public AS p ON true ORDER BY p.second DESC, p.id DESC"
        )
        scan = "enable_indexscan" if floor is not None else "enable_bitmapscan" if self.walk else None
        rows = self._read(sql, [*params, *articles_params], scan)
        read, last_key = rows[0][0], rows[0][1]
        return [(pk, second) for _, _, pk, second in rows if pk is not None], read, last_key

    def holds(self, query: str) -> RawSQL:
        """Whether the article's document matches: its row read by primary key, its vector
        tested (``NewestFirst.holds``)."""
        return RawSQL(
            "EXISTS (SELECT 1 FROM articles_searchdocument AS held "
            'WHERE held.article_id = "articles_article"."id" AND held.document @@ %s::tsquery)',
            [query],
            output_field=BooleanField(),
        )

    @staticmethod
    def _read(sql: str, params: list, scan: str | None = None) -> list[tuple]:
        """The rows of ``sql``, planned with ``scan`` off (if given) for that statement only.

        ``SET LOCAL`` lasts until the transaction ends. Outside a transaction it is sent with
        the statement in one string: PostgreSQL runs the two as one implicit transaction, in
        one round trip (``BEGIN``, ``SET``, the statement and ``COMMIT`` were four). Within a
        caller's transaction, in a savepoint rolled back after the read (a read loses
        nothing), which restores whatever value was in force before.
        """
        with connection.cursor() as cursor:
            if scan is None:
                cursor.execute(sql, params)
                return cursor.fetchall()
            setting = f"SET LOCAL {scan} = off"
            if not connection.in_atomic_block:
                if takes_several_statements(cursor):
                    cursor.execute(f"{setting}; {sql}", params)
                    cursor.nextset()
                    return cursor.fetchall()
                with transaction.atomic():
                    cursor.execute(setting)
                    cursor.execute(sql, params)
                    return cursor.fetchall()
            savepoint = transaction.savepoint()
            try:
                cursor.execute(setting)
                cursor.execute(sql, params)
                return cursor.fetchall()
            finally:
                transaction.savepoint_rollback(savepoint)

    @staticmethod
    def _range(query: str, floor, upper: int):
        if floor is None:
            return "document @@ %s::tsquery AND sort_key < %s", [query, upper]
        return "document @@ %s::tsquery AND sort_key < %s AND sort_key >= %s", [query, upper, floor]

    def first_floor(self, parsed, query: str, limit: int, upper: int, filtered: bool = False) -> int | None:
        """The window of recent documents expected to hold ``limit`` matches (with a margin).

        The expected number of matches gives the share of the archive that matches: a word in
        8 % of the archive needs about 10,000 documents for 500 matches, at 100,000 articles as
        at a million. No window (None) when that is half the index or more: a rare word's
        matches are read whole, and they are few. The expected number comes from the
        vocabulary's document frequencies when it knows every word (``estimate_from``),
        else from the planner, whose estimate of a word outside its statistics is a fixed
        0.5 %: a window from the planner's estimate starts at FIRST_WINDOW_MAX documents at
        most for that reason.

        A common word is not read through a window but by walking the key index from the top
        (``self.walk``): the GIN index lists all of its documents (600,000 at a million
        articles for a word in 60 %), while the walk stops after ``limit`` matches, having
        read about ``limit`` divided by the word's share rows. The walk is taken when it
        reads fewer rows than the GIN index lists documents, WALK_ROW_COST to one, and only
        without company or date filters (``filtered``): those keep few of the matches met, and
        a walk would test row after row down to the ones they keep.
        """
        words = vocabulary_words(parsed)
        self._indexed, frequency = self.statistics(words or ())
        estimate, most = (None if words is None else estimate_from(parsed, frequency)), None
        if estimate is None:
            estimate, most = self.estimated_matches(query), FIRST_WINDOW_MAX
        walked = limit * self._indexed / max(estimate, 1)
        # Before the table's first ANALYZE the document count is unknown (0): no walk then.
        self.walk = not filtered and self._indexed > 0 and walked * WALK_ROW_COST < estimate
        if self.walk:
            return None
        self._rows = max(1, min(math.ceil(walked * WINDOW_MARGIN), most or math.inf))
        self._upper = upper
        return self._floor()

    def widen(self, found: int, limit: int) -> int | None:
        """The next window, from the same top (its newer part has been read).

        It holds as many documents as the share of matches met so far says the ``limit -
        found`` missing ones need (with WINDOW_MARGIN), and at least WINDOW_MIN_GROWTH times
        the current window; WINDOW_GROWTH times when nothing matched yet. A two-word query
        estimated from its rarer word's frequency, say, finds nine tenths of what it needs in
        its first window: the second is twice as large, not four times (often the whole index).
        """
        # ``_rows`` is the size asked for: a bound read off the key histogram gives a window up
        # to a bucket larger (and holding what was added since ANALYZE), so this may grow it
        # less than the share met calls for; a further widening makes up for it.
        if found:
            needed = math.ceil((limit - found) * self._rows / found * WINDOW_MARGIN)
            self._rows = max(self._rows * WINDOW_MIN_GROWTH, self._rows + needed)
        else:
            self._rows *= WINDOW_GROWTH
        previous = self._last_floor
        floor = self._floor()
        # A bound read off the key histogram may not move for a larger window (a bucket's
        # bound): grow it again rather than read an empty range.
        while floor is not None and previous is not None and floor >= previous:
            self._rows *= WINDOW_MIN_GROWTH
            floor = self._floor()
        return floor

    def _floor(self) -> int | None:
        floor = None if self._rows >= self._indexed * WHOLE_INDEX_SHARE else self.window_floor(self._rows, self._upper)
        self._last_floor = floor
        return floor

    def window_floor(self, rows: int, upper: int) -> int | None:
        """About the smallest sort key of the ``rows`` most recent documents below ``upper``,
        down to the start of its second (None if there are fewer).

        Read off the quantiles of the sort keys that ANALYZE keeps (``key_quantiles``,
        ``floor_from_quantiles``): a window's size only needs to be about right (one too small
        is widened, one too large reads a little more), and an index-only walk of ``rows``
        entries costs 0.1 µs each (2.7 ms for the 30,000 keys a word in 2 % of the archive
        needs). Documents added since the last ANALYZE are above the quantiles: the window
        holds them on top of ``rows``.
        A window of up to WALKED_KEYS documents, or without quantiles (a table never analysed),
        is bounded by walking its keys: exact, and as cheap as reading the quantiles.
        """
        if rows > WALKED_KEYS and self._indexed > 0:
            if self._quantiles is None:
                self._quantiles = self.key_quantiles()
            if self._quantiles:
                return floor_from_quantiles(self._quantiles, self._indexed, rows, upper)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sort_key FROM articles_searchdocument WHERE sort_key < %s "
                "ORDER BY sort_key DESC OFFSET %s LIMIT 1",
                [upper, rows],
            )
            row = cursor.fetchone()
        return None if row is None else second_floor(row[0])

    def key_quantiles(self) -> list[int]:
        """The sort keys' histogram bounds from ANALYZE (``pg_stats``, the table in the current
        schema), smallest first: equal shares of the documents lie between consecutive bounds.
        Empty when there are none.

        Kept by the process (``_HISTOGRAMS``) with the time of the table's last ANALYZE (by
        hand or by autovacuum) as the ``statistics`` read it: planning a query on the
        ``pg_stats`` view costs PostgreSQL about 1.4 ms, running it 0.2. Only ANALYZE makes
        a new histogram, and it sets that time, so a different time means the histogram is
        read again (without a time, after a reset of the statistics, it is read every time).
        A stale histogram could only size a window wrong (widened if too small, reading
        more if too large); which articles a search finds never depends on it.
        """
        alias = connection.alias
        cached = _HISTOGRAMS.get(alias)
        if cached is not None and self._analysed is not None and cached[0] == self._analysed:
            return cached[1]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT histogram_bounds::text FROM pg_stats WHERE schemaname = current_schema() "
                "AND tablename = 'articles_searchdocument' AND attname = 'sort_key' AND NOT inherited"
            )
            row = cursor.fetchone()
        bounds = sorted(int(bound) for bound in row[0].strip("{}").split(",")) if row and row[0] else []
        if self._analysed is not None:
            _HISTOGRAMS[alias] = (self._analysed, bounds)
        return bounds

    def statistics(self, words) -> tuple[int, dict[str, int]]:
        """The planner's count of indexed documents (0 before the table was first analysed)
        and the vocabulary's frequency of each of ``words`` it holds, in one query; with them,
        when the table was last analysed (``key_quantiles``)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT NULL, reltuples::bigint, greatest(pg_stat_get_last_analyze_time(oid), "
                "pg_stat_get_last_autoanalyze_time(oid))::text FROM pg_class "
                "WHERE oid = 'articles_searchdocument'::regclass "
                f"UNION ALL SELECT term, frequency, NULL FROM {SearchTerm._meta.db_table} WHERE term = ANY(%s)",
                [list(words)],
            )
            rows = cursor.fetchall()
        indexed, self._analysed = next(((count, analysed) for word, count, analysed in rows if word is None), (0, None))
        return max(0, int(indexed)), {word: count for word, count, _ in rows if word is not None}

    def estimated_matches(self, tsquery: str) -> int:
        """The planner's estimate of how many documents match (one EXPLAIN, no execution)."""
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {ESTIMATED}", [tsquery])
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

    def ranked_statement(self, candidates: list[int], parsed, start: int, stop: int) -> tuple[str, list]:
        """The statement whose rows ``ranked_page`` makes the ids of ``candidates`` (from
        ``recent_matches``, newest first) from ``start`` to ``stop`` by relevance, newer first
        among equals (see ``NewestFirst``).

        The candidates are ordered by the small ``head`` vector; the first ``RERANK`` of that
        order are ordered again on the whole document (body included), so the large vectors
        of those few rows only are read. Pages beyond them keep the first order. A
        candidate's position in ``candidates`` (newest first) breaks ties: no article is read.
        """
        weights, any_token = f"'{RANK_WEIGHTS}'::float4[]", parsed.to_tsquery_any()
        first = (
            f"SELECT c.id, c.position, ts_rank({weights}, d.head, %s::tsquery) AS head_rank "
            "FROM unnest(%s::bigint[]) WITH ORDINALITY AS c(id, position) "
            "JOIN articles_searchdocument d ON d.article_id = c.id "
            "ORDER BY head_rank DESC, c.position"
        )
        params = [any_token, self.ids_param(candidates)]
        if start >= RERANK:
            sql, params = f"SELECT id FROM ({first} OFFSET %s LIMIT %s) AS ranked", [*params, start, stop - start]
        else:
            sql = (
                f"SELECT best.id FROM ({first} LIMIT %s) AS best "
                "JOIN articles_searchdocument d ON d.article_id = best.id "
                f"ORDER BY ts_rank({weights}, d.document, %s::tsquery) DESC, best.head_rank DESC, best.position "
                "OFFSET %s LIMIT %s"
            )
            params = [*params, RERANK, any_token, start, min(stop, RERANK) - start]
        return sql, params

    def ranked_page(self, rows: list[tuple], candidates: list[int], start: int, stop: int) -> list[int]:
        return [row[0] for row in rows]

    def clear(self) -> None:
        """Empty the table before a rebuild, and drop its indexes: building them once at the end
        is several times faster than updating them row by row."""
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE articles_searchdocument")
            cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
            cursor.execute(f"DROP INDEX IF EXISTS {KEY_INDEX}")
            cursor.execute(f"DROP INDEX IF EXISTS {RECENT_GIN_INDEX}")

    def finish_rebuild(self) -> None:
        """After a rebuild: build the indexes again and refresh the planner's statistics."""
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON articles_searchdocument USING gin (document)")
            cursor.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {KEY_INDEX} ON articles_searchdocument (sort_key)")
        self.refresh_recent_index()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_searchdocument")

    def refresh_recent_index(self) -> int | None:
        """Make the GIN index of the newest RECENT_DOCUMENTS documents again (a partial index:
        ``sort_key`` from a fixed bound up); return its bound, or None when the index holds no
        more documents than that (then there is none: the whole index is as small).

        A window of recent keys reads its word's whole GIN list before cutting it to the window
        (BitmapAnd): at 1,000,000 articles, 78,730 entries for a word in 8 % of the archive
        (10 ms), to keep the 600 in a window of 7,700 keys; and the window's key bitmap costs
        too (2.7 ms for 32,000 keys). When a window lies within this index (its lower bound at
        or above this one's, which PostgreSQL proves from the two constants), the planner reads
        this index's far shorter list instead, and usually no key bitmap at all. Windows hold
        at most about 50,000 documents for a word in 1.5 % of the archive or more; rarer words
        are read whole from the full index, and their lists are short.

        Documents added later are above the bound, so they enter this index too, which grows
        with the archive until it is made again: ``rebuild_search_index`` makes it, and
        ``rebuild_search_index --recent-only`` makes it again alone (monthly, say). Outside a
        transaction the new index is built concurrently (searches and writes go on meanwhile),
        put in the old one's place by renaming both, and the old one dropped concurrently.
        """
        concurrently = "" if connection.in_atomic_block else "CONCURRENTLY "
        building, retired = f"{RECENT_GIN_INDEX}_new", f"{RECENT_GIN_INDEX}_old"
        with connection.cursor() as cursor:
            # One refresh at a time: within a transaction, until it ends; outside, until released
            # below (a failed statement there has ended its own transaction).
            in_transaction = connection.in_atomic_block
            cursor.execute(f"SELECT pg_advisory{'_xact' if in_transaction else ''}_lock(%s)", [RECENT_INDEX_LOCK])
            try:
                # Left by an interrupted refresh (an invalid index is still written to).
                cursor.execute(f"DROP INDEX {concurrently}IF EXISTS {building}")
                cursor.execute(f"DROP INDEX {concurrently}IF EXISTS {retired}")
                cursor.execute(
                    "SELECT sort_key FROM articles_searchdocument ORDER BY sort_key DESC OFFSET %s LIMIT 1",
                    [RECENT_DOCUMENTS],
                )
                row = cursor.fetchone()
                if row is None:
                    cursor.execute(f"DROP INDEX {concurrently}IF EXISTS {RECENT_GIN_INDEX}")
                    return None
                bound = int(second_floor(row[0]))
                cursor.execute(
                    f"CREATE INDEX {concurrently}{building} ON articles_searchdocument USING gin (document) "
                    f"WHERE sort_key >= {bound}"
                )
                # Renaming locks the indexes only; dropping one locks the whole table, so the
                # old index is dropped after the swap, concurrently where possible.
                with transaction.atomic():
                    cursor.execute(f"ALTER INDEX IF EXISTS {RECENT_GIN_INDEX} RENAME TO {retired}")
                    cursor.execute(f"ALTER INDEX {building} RENAME TO {RECENT_GIN_INDEX}")
                cursor.execute(f"DROP INDEX {concurrently}IF EXISTS {retired}")
                return bound
            finally:
                if not in_transaction:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [RECENT_INDEX_LOCK])

    def indexed_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM articles_searchdocument")
            return cursor.fetchone()[0]
