"""Settings of the benchmarked server: the production settings, plus what a benchmark needs.

Everything comes from ``newsroom.settings`` (read from the environment exactly as in
production); on top of that, the URL configuration mounts a hello-world view (the ceiling H),
and ``BENCH_NO_CACHE=1`` swaps the cache for Django's dummy backend so "uncached" figures are
really uncached (the page cache stores nothing, every request renders the page).
"""

import os

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "articles.bench.urls"

if os.environ.get("BENCH_NO_CACHE") == "1":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
