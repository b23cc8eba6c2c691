"""PostgreSQL backend: weighted tsvectors built in Python, a GIN index, ``ts_rank`` on a small vector.

The vectors are written as tsvector literals from the tokens of ``documents.Document``, not
through ``to_tsvector``: the tokens are already normalised (accents, elisions, French stemming)
exactly as the SQLite backend gets them, which is what makes both return the same hits.
Queries are tsquery literals built by ``query.ParsedQuery.to_tsquery`` from those tokens, cast
with ``::tsquery``: the reader's text never reaches ``to_tsquery``.

Matching reads ``document`` through its GIN index; ranking reads ``head`` (title, companies,
standfirst, headings: a few hundred bytes, stored in the row) rather than the whole body
vector, which would have to be fetched out of line for every match.
"""

import json

from django.contrib.postgres.search import SearchVectorField
from django.db import connection
from django.db.models import Expression, F, FloatField, Lookup
from django.db.models.expressions import RawSQL

from ...models import Article

GIN_INDEX = "articles_searchdocument_document_gin"  # made by migration 0002_search

# How many of the best matches by head rank are ranked again on their whole document.
RERANK = 200

# ts_rank weights, in the order {D, C, B, A}: title above companies, standfirst and headings.
RANK_WEIGHTS = "{0.1, 0.4, 0.4, 1.0}"

# Up to this many estimated matches, matches are collected through the GIN index before the date
# sort; beyond, walking the date index finds the most recent ones sooner (see ``match``).
MATERIALISE_BELOW = 10_000
MATCHING_IDS = "SELECT article_id FROM articles_searchdocument WHERE document @@ %s::tsquery OFFSET 0"

UPSERT = (
    "INSERT INTO articles_searchdocument (article_id, document, head) VALUES (%s, %s::tsvector, %s::tsvector) "
    "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document, head = EXCLUDED.head"
)


class TsQueryMatch(Lookup):
    """``vector @@ 'literal'::tsquery``; the literal comes from ParsedQuery.to_tsquery()."""

    lookup_name = "tsquery_matches"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ ({rhs})::tsquery", (*lhs_params, *rhs_params)


SearchVectorField.register_lookup(TsQueryMatch)


class VectorRank(Expression):
    """``ts_rank(weights, <vector>, 'literal'::tsquery)`` on ``head`` (small) or ``document``."""

    output_field = FloatField()

    def __init__(self, tsquery: str, vector: str = "head"):
        super().__init__()
        self.tsquery = tsquery
        self.head = F(f"search_document__{vector}")

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.head = self.head.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return clone

    def get_source_expressions(self):
        return [self.head]

    def set_source_expressions(self, exprs):
        (self.head,) = exprs

    def as_sql(self, compiler, connection):
        head, params = compiler.compile(self.head)
        return f"ts_rank('{RANK_WEIGHTS}'::float4[], {head}, %s::tsquery)", (*params, self.tsquery)


class PostgresBackend:
    vendor = "postgresql"

    def write(self, documents) -> None:
        rows = [(doc.article_id, *doc.tsvector_literals()) for doc in documents]
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(UPSERT, rows)

    def delete(self, article_ids) -> None:
        if article_ids:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM articles_searchdocument WHERE article_id = ANY(%s)", [list(article_ids)])

    def match(self, queryset, parsed):
        """The articles of ``queryset`` whose document matches; the caller orders them by date.

        How they are found depends on how many match, which the planner estimates well from
        the column's statistics but does not cost well: testing ``@@`` reads an article's whole
        stored vector (about 5 KB, out of line). Ordered by date, a term in 8 % of the archive
        was planned as a walk down the date index testing each article's vector (18,000 tests,
        160 ms at 100,000 articles). Up to ``MATERIALISE_BELOW`` estimated matches, the GIN
        matches are therefore collected first (``OFFSET 0`` keeps the planner from folding the
        subquery back into a walk) and only they are sorted by date: 38 ms for that term.
        Beyond, the walk stays: a term in 60 % of the archive finds its thousand most recent
        matches within the first 1,600 articles (12 ms), where collecting its 60,000 matches
        took 500 ms. Both ways give the same rows.
        """
        tsquery = parsed.to_tsquery()
        if self.estimated_matches(tsquery) <= MATERIALISE_BELOW:
            return queryset.filter(pk__in=RawSQL(MATCHING_IDS, [tsquery]))
        return queryset.filter(search_document__document__tsquery_matches=tsquery)

    def estimated_matches(self, tsquery: str) -> int:
        """The planner's estimate of how many documents match (one EXPLAIN, no execution)."""
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {MATCHING_IDS}", [tsquery])
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

    def ranked(self, ids: list[int], parsed, start: int, stop: int):
        """Articles among ``ids`` from ``start`` to ``stop`` by relevance, newer first among equals.

        The candidates are ordered by the small ``head`` vector; the first ``RERANK`` of that
        order are ordered again on the whole document (body included), so the large vectors
        of those few rows only are read. Pages beyond them keep the first order.
        """
        any_token = parsed.to_tsquery_any()
        candidates = Article.objects.filter(pk__in=ids)
        first = candidates.annotate(search_rank=VectorRank(any_token)).order_by("-search_rank", "-published_at", "-pk")
        if start >= RERANK:
            return first[start:stop]
        best = first.values("pk")[:RERANK]
        return (
            Article.objects.filter(pk__in=best)
            .annotate(search_rank=VectorRank(any_token, "document"), head_rank=VectorRank(any_token))
            .order_by("-search_rank", "-head_rank", "-published_at", "-pk")[start : min(stop, RERANK)]
        )

    def clear(self) -> None:
        """Empty the table before a rebuild, and drop the GIN index: building it once at the end
        is several times faster than updating it row by row."""
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE articles_searchdocument")
            cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")

    def finish_rebuild(self) -> None:
        """After a rebuild: build the GIN index again and refresh the planner's statistics."""
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON articles_searchdocument USING gin (document)")
            cursor.execute("ANALYZE articles_searchdocument")

    def indexed_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM articles_searchdocument")
            return cursor.fetchone()[0]
