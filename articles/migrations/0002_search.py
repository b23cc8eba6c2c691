"""Search storage: the vocabulary table on every database, and a backend table per database.

PostgreSQL: the unaccent extension, a ``french_unaccent`` text search configuration (unaccent
then French stemming) and ``articles_searchdocument`` (weighted tsvectors, GIN index).
SQLite: the FTS5 virtual table ``articles_search_fts``. Each is created only on its own
database; the Django models describing them are unmanaged.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$
    """,
    """
    CREATE TABLE articles_searchdocument (
        article_id bigint PRIMARY KEY,
        document tsvector NOT NULL,
        head tsvector NOT NULL
    )
    """,
    # Matching goes through this index; ranking reads ``head`` only, kept in the row.
    "CREATE INDEX articles_searchdocument_document_gin ON articles_searchdocument USING gin (document)",
    "ALTER TABLE articles_searchdocument ALTER COLUMN head SET STORAGE MAIN",
]
POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS articles_searchdocument",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
]
SQLITE_FORWARD = [
    # Tokens arrive normalised and space-separated ([a-z0-9]+): the ascii tokenizer only splits
    # on the spaces, so FTS5 indexes exactly the tokens PostgreSQL gets.
    "CREATE VIRTUAL TABLE articles_search_fts USING fts5(title, companies, extra, body, tokenize = 'ascii')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS articles_search_fts"]


def run_for_vendor(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
                ("head", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "db_table": "articles_searchdocument",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="SearchFtsRow",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_fts",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("title", models.TextField()),
                ("companies", models.TextField()),
                ("extra", models.TextField()),
                ("body", models.TextField()),
                ("match", models.TextField(db_column="articles_search_fts")),
            ],
            options={
                "db_table": "articles_search_fts",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "term",
                    models.CharField(
                        help_text="Forme sans accents, ex. « evenement ».",
                        max_length=60,
                        unique=True,
                        verbose_name="mot",
                    ),
                ),
                (
                    "display",
                    models.CharField(
                        help_text="Forme proposée au lecteur, ex. « évènement » ou « Microsoft »",
                        max_length=100,
                        verbose_name="forme affichée",
                    ),
                ),
                ("prefix", models.CharField(max_length=3, verbose_name="début")),
                ("suffix", models.CharField(max_length=3, verbose_name="fin")),
                ("length", models.PositiveSmallIntegerField(verbose_name="longueur")),
                (
                    "frequency",
                    models.PositiveIntegerField(
                        default=1,
                        help_text="Nombre d'articles contenant le mot, au dernier recalcul complet.",
                        verbose_name="fréquence",
                    ),
                ),
                ("is_company", models.BooleanField(default=False, verbose_name="nom d'entreprise")),
            ],
            options={
                "verbose_name": "mot du vocabulaire de recherche",
                "verbose_name_plural": "vocabulaire de recherche",
                "ordering": ["term"],
                "indexes": [
                    models.Index(fields=["prefix", "length"], name="searchterm_prefix_idx"),
                    models.Index(fields=["suffix", "length"], name="searchterm_suffix_idx"),
                ],
            },
        ),
        migrations.RunPython(
            run_for_vendor({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run_for_vendor({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
