"""SQLite backend: an FTS5 table with a column per weighted field, ranked with ``bm25``.

Rows hold the normalised tokens of ``documents.Document`` joined by spaces; the table's
``ascii`` tokenizer only splits on those spaces, so FTS5 indexes exactly the tokens the
PostgreSQL backend gets. Queries come from ``query.ParsedQuery.to_fts5``: every token is
double-quoted, so FTS5 operators typed by a reader are never interpreted.

A row's rowid is its article's sort key (``documents.sort_key``: publication second, then
id), not the article id; ``articles_search_key`` maps article ids to keys. FTS5 reads matches
in rowid order and can stop early, so "the 500 most recent matches" of a word in half the
archive reads about 500 entries, not all of them.
"""

import json

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from . import NewestFirst

# bm25 column weights, in the table's column order (title, companies, extra, body).
BM25_WEIGHTS = (5.0, 2.0, 2.0, 1.0)

NEWEST = (
    "SELECT rowid FROM articles_search_fts WHERE articles_search_fts MATCH %s AND rowid < %s{floor} "
    "ORDER BY rowid DESC LIMIT %s"
)


class SqliteBackend(NewestFirst):
    vendor = "sqlite"
    IDS_SQL = "SELECT value FROM json_each(%s)"

    def ids_param(self, pks: list[int]) -> str:
        return json.dumps(list(pks))

    def write(self, documents) -> None:
        if not documents:
            return
        self.delete([doc.article_id for doc in documents])
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO articles_search_fts (rowid, title, companies, extra, body) VALUES (%s, %s, %s, %s, %s)",
                [(doc.sort_key, *doc.fts_columns()) for doc in documents],
            )
            cursor.executemany(
                "INSERT INTO articles_search_key (article_id, sort_key) VALUES (%s, %s)",
                [(doc.article_id, doc.sort_key) for doc in documents],
            )

    def delete(self, article_ids) -> None:
        ids = self.ids_param(article_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM articles_search_fts WHERE rowid IN "
                f"(SELECT sort_key FROM articles_search_key WHERE article_id IN ({self.IDS_SQL}))",
                [ids],
            )
            cursor.execute(f"DELETE FROM articles_search_key WHERE article_id IN ({self.IDS_SQL})", [ids])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM articles_search_fts")
            cursor.execute("DELETE FROM articles_search_key")

    def prepare(self, parsed) -> str:
        return parsed.to_fts5()

    def newest(self, query: str, floor, upper: int, size: int) -> list[tuple[int, int]]:
        """FTS5 reads matches in descending rowid (key) order and stops after ``size``: the
        cost follows ``size``, not how many articles match. (A floor only ever comes from a
        date filter: FTS5 needs no window.)"""
        newest = NEWEST.format(floor="" if floor is None else " AND rowid >= %s")
        params = [query, upper, size] if floor is None else [query, upper, floor, size]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT article_id, sort_key FROM articles_search_key WHERE sort_key IN ({newest}) "
                "ORDER BY sort_key DESC",
                params,
            )
            return cursor.fetchall()

    def holds(self, query: str) -> RawSQL:
        """Whether the article's document matches: FTS5 asked for the query at its key
        (``NewestFirst.holds``)."""
        return RawSQL(
            "EXISTS (SELECT 1 FROM articles_search_key AS held JOIN articles_search_fts "
            "ON articles_search_fts.rowid = held.sort_key "
            'WHERE held.article_id = "articles_article"."id" AND articles_search_fts MATCH %s)',
            [query],
            output_field=BooleanField(),
        )

    def ranked_statement(self, candidates: list[int], parsed, start: int, stop: int) -> tuple[str, list]:
        """bm25 of the matches within the candidates' key range (see ``NewestFirst``):
        computed by FTS5 for those only (its statistics stay those of the whole index); the
        order is made in Python (``ranked_page``)."""
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        sql = (
            f"SELECT k.article_id, -bm25(articles_search_fts, {weights}) FROM articles_search_fts "
            "JOIN articles_search_key k ON k.sort_key = articles_search_fts.rowid "
            "WHERE articles_search_fts MATCH %s AND articles_search_fts.rowid BETWEEN "
            f"(SELECT min(sort_key) FROM articles_search_key WHERE article_id IN ({self.IDS_SQL})) AND "
            f"(SELECT max(sort_key) FROM articles_search_key WHERE article_id IN ({self.IDS_SQL}))"
        )
        return sql, [parsed.to_fts5(), self.ids_param(candidates), self.ids_param(candidates)]

    def ranked_page(self, rows: list[tuple], candidates: list[int], start: int, stop: int) -> list[int]:
        ranks = dict(rows)
        # Candidates come newest first: their position breaks ties.
        order = sorted(range(len(candidates)), key=lambda i: (-ranks.get(candidates[i], float("-inf")), i))
        return [candidates[i] for i in order[start:stop]]

    def refresh_recent_index(self) -> None:
        """Nothing to do: FTS5 reads matches in key order and stops early (see PostgreSQL's)."""
        return None

    def finish_rebuild(self) -> None:
        """After a bulk load: merge FTS5's segments so queries read fewer of them."""
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO articles_search_fts(articles_search_fts) VALUES ('optimize')")

    def indexed_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM articles_search_fts")
            return cursor.fetchone()[0]
