"""Search: every indexed document gets a sort key ordered like "most recent first".

``sort_key`` = publication second (clamped to ±2**32, drafts at -2**32) * 10**9 + article id,
as ``articles.search.documents.sort_key`` computes it. Searches use it to read the most
recent matches of a common word without reading all its matches.

PostgreSQL: a ``sort_key`` column and its btree index on ``articles_searchdocument``.
SQLite: the FTS5 table's rowid becomes the sort key (FTS5 reads its matches in rowid order, so
"the 1,000 most recent matches" stops after them), and ``articles_search_key`` maps article ids
to keys. Existing rows are carried over in SQL: no reindexing is needed.
"""

from django.db import migrations

# substr(): the whole second, as Python's floor() takes it (strftime rounds ".999999" up).
KEY = (
    "(CASE WHEN a.published_at IS NULL THEN -4294967296 "
    "ELSE max(-4294967295, min(4294967296, CAST(strftime('%s', substr(a.published_at, 1, 19)) AS INTEGER))) END)"
    " * 1000000000 + a.id"
)
PG_KEY = (
    "(CASE WHEN a.published_at IS NULL THEN -4294967296 "
    "ELSE greatest(-4294967295, least(4294967296, floor(extract(epoch FROM a.published_at))::bigint)) END)"
    " * 1000000000 + a.id"
)

POSTGRES_FORWARD = [
    "ALTER TABLE articles_searchdocument ADD COLUMN sort_key bigint",
    f"UPDATE articles_searchdocument d SET sort_key = {PG_KEY} FROM articles_article a WHERE a.id = d.article_id",
    # Documents of articles that no longer exist (none in practice) cannot keep a key.
    "DELETE FROM articles_searchdocument WHERE sort_key IS NULL",
    "ALTER TABLE articles_searchdocument ALTER COLUMN sort_key SET NOT NULL",
    "CREATE UNIQUE INDEX articles_searchdocument_sort_key ON articles_searchdocument (sort_key)",
    "ANALYZE articles_searchdocument",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS articles_searchdocument_sort_key",
    "ALTER TABLE articles_searchdocument DROP COLUMN IF EXISTS sort_key",
]
SQLITE_FORWARD = [
    "CREATE TABLE articles_search_key (article_id integer PRIMARY KEY, sort_key integer NOT NULL UNIQUE)",
    f"INSERT INTO articles_search_key (article_id, sort_key) SELECT a.id, {KEY} "
    "FROM articles_article a JOIN articles_search_fts f ON f.rowid = a.id",
    "CREATE VIRTUAL TABLE articles_search_fts_new USING fts5(title, companies, extra, body, tokenize = 'ascii')",
    "INSERT INTO articles_search_fts_new (rowid, title, companies, extra, body) "
    "SELECT k.sort_key, f.title, f.companies, f.extra, f.body "
    "FROM articles_search_fts f JOIN articles_search_key k ON k.article_id = f.rowid",
    "DROP TABLE articles_search_fts",
    "ALTER TABLE articles_search_fts_new RENAME TO articles_search_fts",
]
SQLITE_BACKWARD = [
    "CREATE VIRTUAL TABLE articles_search_fts_old USING fts5(title, companies, extra, body, tokenize = 'ascii')",
    "INSERT INTO articles_search_fts_old (rowid, title, companies, extra, body) "
    "SELECT k.article_id, f.title, f.companies, f.extra, f.body "
    "FROM articles_search_fts f JOIN articles_search_key k ON k.sort_key = f.rowid",
    "DROP TABLE articles_search_fts",
    "ALTER TABLE articles_search_fts_old RENAME TO articles_search_fts",
    "DROP TABLE articles_search_key",
]


def run_for_vendor(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            # No parameters: "%s" in strftime() must reach SQLite as written.
            schema_editor.execute(statement, None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_search"),
    ]

    operations = [
        migrations.RunPython(
            run_for_vendor({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run_for_vendor({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
        # The FTS5 table is no longer joined through the ORM (its rowid is now the sort key).
        migrations.DeleteModel(name="SearchFtsRow"),
    ]
