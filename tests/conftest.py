"""Shared fixtures, and guards that the suite runs on the database and the cache CI asked for."""

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
    if os.environ.get("REQUIRE_REDIS") == "1":
        from django.conf import settings
        from django.core.cache import cache

        backend = settings.CACHES["default"]["BACKEND"]
        if not backend.endswith(".RedisCache"):
            raise pytest.UsageError(f"REQUIRE_REDIS=1 but the cache is {backend}: set REDIS_URL.")
        cache.set("tests:ping", "pong", 10)  # raises if Redis does not answer
        if cache.get("tests:ping") != "pong":
            raise pytest.UsageError("REQUIRE_REDIS=1 but Redis did not give back what was stored.")


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: a page cached by one test never answers another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
