"""SQLite backend: an FTS5 table with a column per weighted field, ranked with ``bm25``.

Rows hold the normalised tokens of ``documents.Document`` joined by spaces; the table's
``ascii`` tokenizer only splits on those spaces, so FTS5 indexes exactly the tokens the
PostgreSQL backend gets. Queries come from ``query.ParsedQuery.to_fts5``: every token is
double-quoted, so FTS5 operators typed by a reader are never interpreted.
"""

from django.db import connection
from django.db.models import Expression, F, FloatField, Lookup, TextField

from ...models import Article

# bm25 column weights, in the table's column order (title, companies, extra, body).
BM25_WEIGHTS = (5.0, 2.0, 2.0, 1.0)


class Fts5Match(Lookup):
    """``<table hidden column> MATCH 'query'``; the query comes from ParsedQuery.to_fts5()."""

    lookup_name = "fts5_matches"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", (*lhs_params, *rhs_params)


TextField.register_lookup(Fts5Match)


class Bm25Rank(Expression):
    """``-bm25(table, weights...)``: FTS5 relevance, negated so that higher is better."""

    output_field = FloatField()

    def __init__(self):
        super().__init__()
        self.column = F("search_fts__match")

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.column = self.column.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return clone

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        return f"-bm25({column}, {weights})", params


class SqliteBackend:
    vendor = "sqlite"

    def write(self, documents) -> None:
        if not documents:
            return
        self.delete([doc.article_id for doc in documents])
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO articles_search_fts (rowid, title, companies, extra, body) VALUES (%s, %s, %s, %s, %s)",
                [(doc.article_id, *doc.fts_columns()) for doc in documents],
            )

    def delete(self, article_ids) -> None:
        ids = list(article_ids)
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM articles_search_fts WHERE rowid IN ({marks})", chunk)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM articles_search_fts")

    def match(self, queryset, parsed):
        return queryset.filter(search_fts__match__fts5_matches=parsed.to_fts5())

    def ranked(self, ids: list[int], parsed, start: int, stop: int):
        """Articles among ``ids`` from ``start`` to ``stop`` by bm25, newer first among equals."""
        candidates = self.match(Article.objects.filter(pk__in=ids), parsed)
        return candidates.annotate(search_rank=Bm25Rank()).order_by("-search_rank", "-published_at", "-pk")[start:stop]

    def finish_rebuild(self) -> None:
        """After a bulk load: merge FTS5's segments so queries read fewer of them."""
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO articles_search_fts(articles_search_fts) VALUES ('optimize')")

    def indexed_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM articles_search_fts")
            return cursor.fetchone()[0]
