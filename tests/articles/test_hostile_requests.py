"""Hostile requests: whatever a visitor puts in a public URL, the answer is never a 5xx.

Property-based (hypothesis): arbitrary text including NUL bytes, lone surrogates (sent as the
invalid UTF-8 bytes a real client would send), 10,000-character values and the operator
characters of both search backends, in every public URL parameter. PARAMETERS is the table of
what is attacked: add a line when a page gains a parameter.

HOSTILE_EXAMPLES sets the number of examples per parameter: 100 by default (make test), 1000
in CI on PostgreSQL (.ci/run), where NUL bytes and bad encodings are most likely to surface.
"""

import os
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.sitemaps import SITEMAPS
from tests.factories import make_article, make_company

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "100"))

# Values that broke real sites: NUL (PostgreSQL refuses it in text), surrogates, numbers that
# overflow, impossible dates, SQL and full-text operators of PostgreSQL (to_tsquery) and
# SQLite (FTS5), LIKE wildcards, path tricks, template and format-string syntax.
SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "\ufffe\uffff",
    "-1",
    "0",
    "00",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "9" * 40,
    "-" + "9" * 40,
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "2026/11/26",
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE articles_article; --",
    "\\",
    "%",
    "_",
    "%_%",
    "*",
    ":*",
    "a:*",
    "&",
    "|",
    "!",
    "!!",
    "(",
    ")",
    "()",
    "<->",
    "<2>",
    "a & | b",
    "!(a|b)&c:*",
    '"',
    '"unterminated phrase',
    "NEAR(a b, 2)",
    "AND",
    "OR",
    "NOT",
    "title:foo",
    "{a b}",
    "^a",
    "a -b",
    "+a +b",
    "~a",
    "@@",
    "../../../etc/passwd",
    "%00",
    "%2e%2e%2f",
    "${jndi:ldap://x/a}",
    "{{ 7*7 }}",
    "%s%s%s%n",
    "\u202eabc",
    "😀",
    "ﬁ",
    "É" * 3,
    "\r\nSet-Cookie: x=y",
    "<script>alert(1)</script>",
]


@st.composite
def long_values(draw):
    """A 10,000-character value (the largest a browser would reasonably send in one parameter)."""
    unit = draw(st.sampled_from(["a", "9", "\x00", "é", "😀", "a ", "' ", ":*|", "-"]))
    return (unit * 10_000)[:10_000]


hostile = st.one_of(
    st.sampled_from(SPECIAL),
    # Any code point, surrogates included.
    st.text(alphabet=st.characters(exclude_categories=()), max_size=60),
    st.lists(st.sampled_from(SPECIAL), min_size=2, max_size=6).map(" ".join),
    long_values(),
)


def encode(value: str) -> str:
    """Percent-encode as a client would; a lone surrogate becomes the invalid bytes ED A0 80."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def query(**params) -> str:
    return "&".join(f"{name}={encode(value)}" for name, value in params.items())


def slug_path(name, value, **kwargs):
    """The URL ``name`` with its ``slug`` segment replaced by the raw, encoded value."""
    placeholder = "placeholder-slug-0"
    url = reverse(name, kwargs={"slug": placeholder, **kwargs})
    return url.replace(placeholder, encode(value))


# (label, build(value, ctx) -> URL). ctx has a real article and companies, so parameters are
# attacked on pages that exist.
PARAMETERS = [
    ("home ?page", lambda v, ctx: f"{reverse('articles:home')}?{query(page=v)}"),
    ("article slug", lambda v, ctx: slug_path("articles:article_detail", v)),
    ("companies ?page", lambda v, ctx: f"{reverse('articles:company_list')}?{query(page=v)}"),
    ("company slug", lambda v, ctx: slug_path("articles:company_detail", v)),
    ("company ?page", lambda v, ctx: f"{ctx['company'].get_absolute_url()}?{query(page=v)}"),
    ("company pair slug", lambda v, ctx: slug_path("articles:company_pair", v, other_slug=ctx["other"].slug)),
    (
        "company pair ?page",
        lambda v, ctx: (
            reverse("articles:company_pair", args=[ctx["company"].slug, ctx["other"].slug]) + f"?{query(page=v)}"
        ),
    ),
    ("company feed slug", lambda v, ctx: slug_path("articles:company_feed_rss", v)),
    ("company atom slug", lambda v, ctx: slug_path("articles:company_feed_atom", v)),
    ("archives year segment", lambda v, ctx: f"/archives/{encode(v)}/"),
    ("archives month segment", lambda v, ctx: f"/archives/2026/{encode(v)}/"),
    (
        "archive year ?page",
        lambda v, ctx: f"{reverse('articles:archive_year', kwargs={'year': 2026})}?{query(page=v)}",
    ),
    (
        "archive month ?page",
        lambda v, ctx: f"{reverse('articles:archive_month', kwargs={'year': 2026, 'month': '10'})}?{query(page=v)}",
    ),
    ("sitemap section", lambda v, ctx: f"/sitemap-{encode(v)}.xml"),
    (
        "sitemap section ?p",
        lambda v, ctx: f"{reverse('articles:sitemap_section', kwargs={'section': next(iter(SITEMAPS))})}?{query(p=v)}",
    ),
    ("feed ?page", lambda v, ctx: f"{reverse('articles:feed_rss')}?{query(page=v)}"),
    ("search q", lambda v, ctx: f"{reverse('search:results')}?{query(q=v)}"),
    ("search entreprise", lambda v, ctx: f"{reverse('search:results')}?{query(q='cloud', entreprise=v)}"),
    ("search du", lambda v, ctx: f"{reverse('search:results')}?{query(q='cloud', du=v)}"),
    ("search au", lambda v, ctx: f"{reverse('search:results')}?{query(q='', au=v)}"),
    ("search tri", lambda v, ctx: f"{reverse('search:results')}?{query(q='cloud', tri=v)}"),
    ("search page", lambda v, ctx: f"{reverse('search:results')}?{query(q='cloud', page=v)}"),
    ("search q+page", lambda v, ctx: f"{reverse('search:results')}?{query(q=v, page=v)}"),
    ("api q", lambda v, ctx: f"{reverse('search:api')}?{query(q=v)}"),
    ("api entreprise", lambda v, ctx: f"{reverse('search:api')}?{query(q='cloud', entreprise=v)}"),
    ("api du/au", lambda v, ctx: f"{reverse('search:api')}?{query(q='cloud', du=v, au=v)}"),
    ("api tri+page", lambda v, ctx: f"{reverse('search:api')}?{query(q='cloud', tri=v, page=v)}"),
    ("parameter name", lambda v, ctx: f"{reverse('search:results')}?{encode(v)}=1&q=cloud"),
]


@pytest.fixture
def archive(db):
    """A small archive, so that pages with parameters exist and search has hits."""
    company = make_company("Nuage Souverain", aliases=["le nuage"])
    other = make_company("Calcul Lointain")
    article = make_article(
        "Le cloud souverain accélère",
        sections=(("", "Le cloud souverain gagne des clients."), ("Et ensuite", "Le cloud encore.")),
        companies=[company, other],
    )
    from articles import search

    search.rebuild_index()
    return {"company": company, "other": other, "article": article}


@pytest.mark.parametrize(("label", "build"), PARAMETERS, ids=[label for label, _ in PARAMETERS])
def test_no_server_error(label, build, archive, client):
    """Any value in this public parameter gets a 2xx, 3xx or 4xx answer, never a 5xx."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(value=hostile)
    def check(value):
        # The page cache would answer most requests without running the view: start cold.
        cache.clear()
        url = build(value, archive)
        response = client.get(url)
        assert response.status_code < 500, (label, value[:80], response.status_code)

    check()


def test_table_covers_every_public_url():
    """Every public URL name with a parameter or slug appears in PARAMETERS (or is listed as fixed)."""
    from django.urls import get_resolver

    fixed = {"home", "company_list", "archive_index", "feed_rss", "feed_atom", "robots_txt", "sitemap", "api"}
    resolver = get_resolver()
    names = set()
    for namespace in ("articles", "search"):
        _, sub = resolver.namespace_dict[namespace]
        names |= {name for name in sub.reverse_dict if isinstance(name, str)}
    attacked = " ".join(label for label, _ in PARAMETERS)
    covered_names = {
        "article_detail": "article slug",
        "company_detail": "company slug",
        "company_pair": "company pair slug",
        "company_feed_rss": "company feed slug",
        "company_feed_atom": "company atom slug",
        "archive_year": "archive year ?page",
        "archive_month": "archive month ?page",
        "results": "search q",
        "api": "api q",
        "sitemap_section": "sitemap section ?p",
    }
    missing = [name for name in names - fixed if covered_names.get(name, "\x00") not in attacked]
    assert missing == [], f"public URLs not attacked by test_hostile_requests: {missing}"
