"""Page cache invalidation.

Every cached public page carries the archive's content generation in its cache key; bumping the
generation after a commit makes every page that might show a changed article stale at once,
on every server sharing the cache (Redis in production). Simple and always correct: the archive
changes a few times an hour and pages are cheap to rebuild.
"""

from django.core.cache import cache

GENERATION_KEY = "archive:generation"


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def purge_articles(article_ids=()) -> None:
    """Make every cached page stale; called after a commit that changed these articles."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)
