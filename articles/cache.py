"""The public page cache, and its invalidation.

Every cached public page carries the archive's content generation it was made in; bumping the
generation after a commit makes every page that might show a changed article stale at once,
on every server sharing the cache (Redis in production). Simple and always correct: the archive
changes a few times an hour and pages are cheap to rebuild. A page is read with the generation
in one round trip to the cache (``get_many``: one MGET on Redis), and a stale copy is replaced
in place by the next request for it, not left to the cache's eviction.

Search results are public pages too, one per different search (``public_page(query=...)``):
the search index is refreshed before the generation moves (``services.refresh_after_commit``),
so a stored search never outlives the articles it shows. Searches are as many as readers
care to type; the cache's own eviction bounds them (local memory: 300 entries per process;
Redis: its ``maxmemory`` policy, see the README).

Two more things decide how long a page may be served from the cache:

- a scheduled article goes live at its publication time with no job to run, so a page cached
  before that moment is only valid until then (``next_scheduled_publication``);
- whoever sends a session cookie (editors, who preview drafts at the public address) never gets
  a cached page, and their pages are never stored. Readers without a session cookie never cause
  a session or user query: the public pages only look at ``request.user`` through
  ``reader_user``.
"""

import hashlib
import re
import time
from datetime import datetime
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

GENERATION_KEY = "archive:generation"

# The prefix of the pages' keys. Change it whenever the stored tuple changes (see ``store``):
# during a deploy, servers running two versions share one Redis, and neither must read the
# other's pages.
PAGE_KEY_PREFIX = "page3:"

# The page numbers a cache key keeps: small positive integers (and "last", which Django's list
# views accept). Any other value counts as absent, and the views treat it as page 1, so random
# values cannot fill the cache with copies of one page.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,3}|last")

# Upper bound on a cached page's life. Article changes purge at once (generation); this bounds
# how long changes that do not go through the article services (a company's description
# edited in the admin) take to show.
PAGE_CACHE_SECONDS = 15 * 60

# Headers set by the views that a cached copy must keep; the middleware adds the rest
# (security headers, CSP) to every response, cached or not.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Last-Modified", "X-Robots-Tag")

# Request headers that make a request conditional (``get_conditional_response``); a request with
# none of them, nearly every one, gets the stored page as it is.
CONDITIONAL_HEADERS = ("HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE")


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


def next_scheduled_publication() -> datetime | None:
    """When the next scheduled article goes live (the moment cached pages may become stale)."""
    from .models import Article  # the models import this module's callers (services)

    # The complement of ``published()`` among published articles: the in-database twin of
    # ``Article.is_scheduled``.
    scheduled = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
    return scheduled.aggregate(first=Min("published_at"))["first"]


def has_session(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def reader_user(request):
    """The user to decide visibility for, or None for an anonymous reader.

    Only a request with a session cookie can belong to an editor; for the others, ``request.user``
    is never touched, so a public page costs no session or user query.
    """
    return request.user if has_session(request) else None


def page_number(value: str | None) -> str:
    """``value`` if it is a page number worth a cache entry of its own, else ""."""
    return value if value and PAGE_NUMBER.fullmatch(value) else ""


def page_key(request, params: tuple[str, ...], query: tuple[str, ...] = ()) -> str:
    """The cache key of a page: scheme, host, path, the page numbers it reads (``params``) and
    every value of the other parameters it reads (``query``, the search's).

    Ignoring other parameters means "?utm_source=..." or random strings cannot fill the cache
    with copies of one page. The ``query`` values are percent-encoded: no value can pass for
    another parameter ("q=a&tri=date" is one value of ``q``, not two parameters).
    """
    parts = [request.scheme, request.get_host(), request.path]
    parts += [f"{name}={page_number(request.GET.get(name))}" for name in params]
    parts.append(urlencode([(name, value) for name in query for value in request.GET.getlist(name)]))
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return PAGE_KEY_PREFIX + digest


def lookup(key: str) -> tuple[int, tuple | None]:
    """The archive's generation, and the page stored under ``key`` if it is still good to serve:
    made in this generation, and before no scheduled article has gone live since."""
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = current_generation()
    entry = found.get(key)
    if entry is not None and (
        entry[GENERATION] != generation or (entry[VALID_UNTIL] is not None and time.time() >= entry[VALID_UNTIL])
    ):
        entry = None
    return generation, entry


def public_page(view=None, *, params: tuple[str, ...] = ("page",), query: tuple[str, ...] = ()):
    """Serve a public page from the cache, and answer conditional requests with 304.

    ``params`` are the page-number query parameters the page depends on (part of the cache key;
    a value that is not a page number must give the page without it, or an error). ``query``
    are the other parameters it depends on, every value kept as sent (a search's words and
    filters: each different search is a page of its own). Only
    successful GET/HEAD answers to requests without a session cookie are stored; each carries
    an ETag (a hash of its content), so an unchanged page costs a 304 and no body.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view_func(request, *args, **kwargs)
            if has_session(request):
                response = view_func(request, *args, **kwargs)
                patch_cache_control(response, private=True, no_store=True)
                patch_vary_headers(response, ["Cookie"])
                return response

            key = page_key(request, params, query)
            # The generation is read before the page is made: a change committed meanwhile
            # leaves the stored copy one generation behind, stale at once.
            generation, entry = lookup(key)
            if entry is None:
                response = view_func(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                if response.status_code != 200 or response.streaming or response.cookies:
                    return response
                entry = store(key, response, generation)
            return cached_response(request, entry)

        return wrapper

    return decorator(view) if view is not None else decorator


# A stored page is a tuple, cheap to unpickle on every hit: its body, its status, every header
# of the served copy (its ETag among them, computed once, when it is stored), the generation it
# was made in, and the moment (a Unix timestamp) the next scheduled article goes live, or None.
CONTENT, STATUS, HEADERS, GENERATION, VALID_UNTIL = range(5)


def store(key: str, response, generation: int) -> tuple:
    valid_until = next_scheduled_publication()
    timeout = PAGE_CACHE_SECONDS
    if valid_until is not None:
        timeout = max(1, min(timeout, int((valid_until - timezone.now()).total_seconds()) + 1))
    etag = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
    served = HttpResponse(status=response.status_code)
    for name in KEPT_HEADERS:
        if response.has_header(name):
            served[name] = response[name]
    add_cache_headers(served, etag)
    entry = (
        response.content,
        response.status_code,
        tuple(served.items()),
        generation,
        valid_until.timestamp() if valid_until is not None else None,
    )
    cache.set(key, entry, timeout)
    return entry


def add_cache_headers(response, etag: str) -> None:
    response["ETag"] = etag
    # Browsers and proxies may keep the page but must ask again (a cheap 304) before reusing it:
    # an edit shows at once. Vary: editors with a session cookie see previews at the same address.
    patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])


def cached_response(request, entry: tuple) -> HttpResponse:
    headers = dict(entry[HEADERS])
    if any(name in request.META for name in CONDITIONAL_HEADERS):
        response = get_conditional_response(request, etag=headers["ETag"])
        if response is not None:  # 304 Not Modified, or 412 Precondition Failed
            add_cache_headers(response, headers["ETag"])
            return response
    return HttpResponse(entry[CONTENT], status=entry[STATUS], headers=headers)
