"""Shared fixtures, and a guard that the suite runs on the database CI asked for."""

import os

import pytest


def pytest_sessionstart(session):
    required = os.environ.get("REQUIRE_DB_VENDOR")
    if required:
        from django.db import connection

        if connection.vendor != required:
            raise pytest.UsageError(
                f"REQUIRE_DB_VENDOR={required} but the suite would run on {connection.vendor}: check DATABASE_URL."
            )


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: a page cached by one test never answers another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
