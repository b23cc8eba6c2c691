"""One backend per database; ``get_backend()`` picks the one for the default connection."""

from django.db import connection


def get_backend():
    """The backend for the database in use: PostgreSQL (tsvector + GIN) or SQLite (FTS5)."""
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from .sqlite import SqliteBackend

        return SqliteBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}.")
