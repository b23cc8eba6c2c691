"""Detail-page URLs of articles and companies, reversed once per route rather than per link
(and month archives', once per month); the site's fixed pages (home, companies, archives,
feeds, search), reversed once per route for every page (``route_url``).

A list links to dozens of articles and companies (a page of search results to seventy), and
``reverse()`` walks the URL resolver each time (about 40 µs). A slug route's URL is the same
for every slug but the slug itself, so it is reversed once per route, script prefix and
URLconf with a placeholder, and the slug is put in its place. A slug outside the route's
alphabet goes through ``reverse()``, with its errors.
"""

import re
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

# The slug converter's alphabet: such a slug is put in a URL as it is, without quoting.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
PLACEHOLDER = "slug0placeholder"


@lru_cache(maxsize=32)
def _around_slug(name: str, prefix: str, urlconf) -> tuple[str, str]:
    url = reverse(name, kwargs={"slug": PLACEHOLDER}, urlconf=urlconf)
    before, found, after = url.partition(PLACEHOLDER)
    assert found and PLACEHOLDER not in after, f"{name}: the slug must appear once in its URL"
    return before, after


def slug_url(name: str, slug: str) -> str:
    """``reverse(name, kwargs={"slug": slug})``, without resolving the route again."""
    return slug_urls(name)(slug)


def slug_urls(name: str):
    """``slug -> slug_url(name, slug)``, with the script prefix and URLconf read once: reading
    them costs 4 µs a link (thread- and context-local values), 0.25 ms for the sixty links
    of a page of search results."""
    before, after = _around_slug(name, get_script_prefix(), get_urlconf())

    def url(slug: str) -> str:
        if not SLUG.fullmatch(slug):
            return reverse(name, kwargs={"slug": slug})
        return before + slug + after

    return url


@lru_cache(maxsize=64)
def _route_url(name: str, prefix: str, urlconf) -> str:
    return reverse(name, urlconf=urlconf)


def route_url(name: str) -> str:
    """``reverse(name)`` for a route without arguments, reversed once per script prefix and
    URLconf: every page's header and footer link to the same eight fixed pages (``{% route %}``,
    25 µs each through ``{% url %}``)."""
    return _route_url(name, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=4096)
def _month_url(year: int, month: int, prefix: str, urlconf) -> str:
    return reverse("articles:archive_month", kwargs={"year": year, "month": month}, urlconf=urlconf)


def month_url(year: int, month: int) -> str:
    """The month archive's URL, reversed once per month (a company's chart links up to 240)."""
    return _month_url(year, month, get_script_prefix(), get_urlconf())


@receiver(setting_changed)
def _forget_routes(*, setting, **kwargs):
    # Tests that swap the URLconf (override_settings(ROOT_URLCONF=...)) get fresh routes.
    if setting == "ROOT_URLCONF":
        _around_slug.cache_clear()
        _route_url.cache_clear()
        _month_url.cache_clear()
