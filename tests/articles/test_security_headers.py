"""Production settings: `check --deploy`, the Mozilla HTTP Observatory score, Host checks, CSP.

The production tests run ``prod_probe.py`` in a subprocess with DEBUG=0, since the settings
are read from the environment once, at import. The Observatory score is computed from
Mozilla's published scoring rules (https://github.com/mozilla/http-observatory, scoring.md,
and MDN "HTTP Observatory: tests and scoring"): baseline 100, a modifier per test, bonuses
only counted when the score without them is at least 90, A+ from 100.
"""

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import TestCase
from django.urls import reverse

from tests.factories import FAST_HASHER, make_article, make_company, make_link, make_superuser

ROOT = Path(__file__).resolve().parents[2]
PROD_SECRET = "production-like-secret-key-for-the-test-suite-0123456789-abcdefghij"


def production_env(**extra) -> dict:
    # A clean environment: only what production sets, nothing the test run itself exported
    # (DATABASE_URL, or DJANGO_ALLOW_ASYNC_UNSAFE from the browser tests, which check --deploy flags).
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}}
    env.update(
        DEBUG="0",
        SECRET_KEY=PROD_SECRET,
        ALLOWED_HOSTS="archive.example",
        DATABASE_URL="sqlite://:memory:",
        PYTHONWARNINGS="ignore",
    )
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    """What production answers to a few requests (see prod_probe.py)."""
    static_root = tmp_path_factory.mktemp("static")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "articles" / "prod_probe.py")],
        env=production_env(STATIC_ROOT=str(static_root)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- The Observatory's rules ------------------------------------------------------------------


def parse_csp(header: str) -> dict[str, list[str]]:
    policy = {}
    for part in header.split(";"):
        tokens = part.strip().split()
        if tokens:
            policy.setdefault(tokens[0].lower(), [t.lower() for t in tokens[1:]])
    return policy


def parse_set_cookie(line: str) -> tuple[str, dict[str, str]]:
    first, *attributes = [part.strip() for part in line.split(";")]
    name = first.split("=", 1)[0]
    attrs = {}
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        attrs[key.strip().lower()] = value.strip()
    return name, attrs


def score_csp(headers) -> tuple[str, int]:
    header = headers.get("content-security-policy")
    if not header:
        return "csp-not-implemented", -25
    policy = parse_csp(header)
    script = policy.get("script-src", policy.get("default-src"))
    style = policy.get("style-src", policy.get("default-src"))
    if script is None:
        return "csp-implemented-with-unsafe-inline", -20  # nothing restricts scripts
    if "'unsafe-inline'" in script or "data:" in script or "*" in script or "http:" in script:
        return "csp-implemented-with-unsafe-inline", -20
    if "'unsafe-eval'" in script:
        return "csp-implemented-with-unsafe-eval", -10
    if any(source.startswith("http:") for values in policy.values() for source in values):
        return "csp-implemented-with-insecure-scheme", -20
    if style and "'unsafe-inline'" in style:
        return "csp-implemented-with-unsafe-inline-in-style-src-only", 0
    if policy.get("default-src") == ["'none'"]:
        return "csp-implemented-with-no-unsafe-default-src-none", 10
    return "csp-implemented-with-no-unsafe", 5


def score_cookies(set_cookies, hsts: bool) -> tuple[str, int]:
    if not set_cookies:
        return "cookies-not-found", 0
    worst = ("cookies-secure-with-httponly-sessions-and-samesite", 5)
    penalties = []
    for line in set_cookies:
        name, attrs = parse_set_cookie(line)
        is_session = "sess" in name.lower() or "login" in name.lower()
        if attrs.get("samesite", "").lower() not in {"strict", "lax", "none"}:
            if "samesite" in attrs:
                penalties.append(("cookies-samesite-flag-invalid", -20))
            elif "csrf" in name.lower():
                penalties.append(("cookies-anticsrf-without-samesite-flag", -20))
            else:
                worst = ("cookies-secure-with-httponly-sessions", 0)
        if "secure" not in attrs:
            if is_session:
                penalties.append(
                    ("cookies-session-without-secure-flag-but-protected-by-hsts", -10)
                    if hsts
                    else ("cookies-session-without-secure-flag", -40)
                )
            else:
                penalties.append(
                    ("cookies-without-secure-flag-but-protected-by-hsts", -5)
                    if hsts
                    else ("cookies-without-secure-flag", -20)
                )
        if is_session and "httponly" not in attrs:
            penalties.append(("cookies-session-without-httponly-flag", -30))
        if name.startswith("__Host-") and ("secure" not in attrs or "domain" in attrs or attrs.get("path") != "/"):
            penalties.append(("cookies-samesite-flag-invalid", -20))  # the browser would drop it
    return min(penalties, key=lambda item: item[1]) if penalties else worst


def score_hsts(headers) -> tuple[str, int]:
    header = headers.get("strict-transport-security")
    if not header:
        return "hsts-not-implemented", -20
    directives = {d.strip().split("=")[0].lower(): d.strip() for d in header.split(";") if d.strip()}
    if "max-age" not in directives:
        return "hsts-header-invalid", -20
    max_age = int(directives["max-age"].split("=", 1)[1])
    if max_age < 15768000:
        return "hsts-implemented-max-age-less-than-six-months", -10
    # "hsts-preloaded" (+5) needs the domain on the browsers' preload list: not claimable here.
    return "hsts-implemented-max-age-at-least-six-months", 0


def score_referrer(headers) -> tuple[str, int]:
    header = headers.get("referrer-policy")
    if not header:
        return "referrer-policy-not-implemented", 0
    policy = header.split(",")[-1].strip().lower()
    if policy in {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}:
        return "referrer-policy-private", 5
    if policy == "no-referrer-when-downgrade":
        return "referrer-policy-no-referrer-when-downgrade", 0
    if policy in {"origin", "origin-when-cross-origin", "unsafe-url"}:
        return "referrer-policy-unsafe", -5
    return "referrer-policy-header-invalid", -5


def score_nosniff(headers) -> tuple[str, int]:
    value = headers.get("x-content-type-options")
    if value is None:
        return "x-content-type-options-not-implemented", -5
    if value.strip().lower() == "nosniff":
        return "x-content-type-options-nosniff", 0
    return "x-content-type-options-header-invalid", -5


def score_framing(headers) -> tuple[str, int]:
    csp = parse_csp(headers.get("content-security-policy", ""))
    if csp.get("frame-ancestors") in (["'none'"], ["'self'"]):
        return "x-frame-options-implemented-via-csp", 5
    value = headers.get("x-frame-options", "").strip().upper()
    if value in {"DENY", "SAMEORIGIN"}:
        return "x-frame-options-sameorigin-or-deny", 0
    if not value:
        return "x-frame-options-not-implemented", -20
    return "x-frame-options-header-invalid", -20


def score_cors(headers) -> tuple[str, int]:
    if headers.get("access-control-allow-origin", "").strip() == "*":
        return "cross-origin-resource-sharing-implemented-with-universal-access", -50
    return "cross-origin-resource-sharing-not-implemented", 0


def score_corp(headers) -> tuple[str, int]:
    value = headers.get("cross-origin-resource-policy")
    if value is None:
        return "corp-not-implemented", 0
    if value.strip().lower() in {"same-origin", "same-site"}:
        return "corp-implemented-with-same-origin", 0
    if value.strip().lower() == "cross-origin":
        return "corp-implemented-with-cross-origin", 0
    return "corp-header-invalid", -5


def score_redirection(plain_http) -> tuple[str, int]:
    if plain_http["status"] not in (301, 302, 307, 308):
        return "redirection-missing", -20
    if not plain_http["location"].startswith("https://archive.example/"):
        return "redirection-off-host-from-http", -5
    return "redirection-to-https", 0


def score_sri(html: str) -> tuple[str, int]:
    scripts = ScriptCollector.collect(html)
    external = [src for src in scripts if src.startswith(("http:", "https:", "//"))]
    if any(src.startswith(("http:", "//")) for src in external):
        return "sri-not-implemented-and-external-scripts-not-loaded-securely", -50
    if external:
        return "sri-not-implemented-but-external-scripts-loaded-securely", -5
    if scripts:
        return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0
    return "sri-not-implemented-but-no-scripts-loaded", 0


class ScriptCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and dict(attrs).get("src"):
            self.sources.append(dict(attrs)["src"])

    @classmethod
    def collect(cls, html):
        parser = cls()
        parser.feed(html)
        return parser.sources


def observatory_score(page, plain_http, set_cookies) -> tuple[int, list[tuple[str, int]]]:
    headers = page["headers"]
    hsts = "strict-transport-security" in headers
    results = [
        score_csp(headers),
        score_cookies(set_cookies, hsts),
        score_cors(headers),
        score_redirection(plain_http),
        score_referrer(headers),
        score_hsts(headers),
        score_sri(page["html"]),
        score_nosniff(headers),
        score_framing(headers),
        score_corp(headers),
    ]
    penalties = sum(modifier for _, modifier in results if modifier < 0)
    bonuses = sum(modifier for _, modifier in results if modifier > 0)
    score = 100 + penalties
    if score >= 90:
        score += bonuses
    return max(score, 0), results


# --- Tests ------------------------------------------------------------------------------------


def test_check_deploy_reports_nothing():
    """With production's environment, `manage.py check --deploy` has no warning at all."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        env=production_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    """DEBUG=0 without SECRET_KEY stops at import with a message saying what to set."""
    env = production_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("page_name", ["home", "article", "company", "login", "admin_index"])
def test_observatory_grade_is_a_plus(probe, page_name):
    """Every kind of page, public or admin, scores at least 100 (A+) on the Observatory's rules."""
    cookies = probe["login"]["set_cookies"] + probe["login_post"]["set_cookies"]
    score, results = observatory_score(probe[page_name], probe["plain_http_home"], cookies)
    assert score >= 100, results


def test_scorer_can_fail():
    """The scorer is not a rubber stamp: a page with no security headers and a bare cookie gets an F."""
    bare = {"headers": {}, "html": "<p>x</p>"}
    score, _ = observatory_score(bare, {"status": 200, "location": ""}, ["sessionid=abc; Path=/"])
    assert score < 25


def test_production_headers(probe):
    """HSTS two years with subdomains and preload, CSP with default-src 'none' and framing refused."""
    headers = probe["home"]["headers"]
    assert headers["strict-transport-security"] == "max-age=63072000; includeSubDomains; preload"
    csp = parse_csp(headers["content-security-policy"])
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["cross-origin-resource-policy"] == "same-origin"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_static_files_get_the_policy_headers_too(probe):
    """WhiteNoise's responses carry the same headers as pages (the middlewares wrap it)."""
    static = probe["static"]
    assert static["status"] == 200
    assert "content-security-policy" in static["headers"]
    assert static["headers"]["cross-origin-resource-policy"] == "same-origin"


def test_cookies_use_host_prefix_secure_httponly_samesite(probe):
    """Session and CSRF cookies are __Host- prefixed, Secure, HttpOnly, SameSite, Path=/ and without Domain."""
    cookies = dict(parse_set_cookie(line) for line in probe["login_post"]["set_cookies"])
    assert set(cookies) == {"__Host-sessionid", "__Host-csrftoken"}
    for attrs in cookies.values():
        assert "secure" in attrs and "httponly" in attrs
        assert attrs["path"] == "/" and "domain" not in attrs
    assert cookies["__Host-sessionid"]["samesite"] == "Lax"
    assert cookies["__Host-csrftoken"]["samesite"] == "Strict"


def test_plain_http_redirects_to_https_on_same_host(probe):
    """A plain http request is sent to the same address over https."""
    assert probe["plain_http_home"]["status"] == 301
    assert probe["plain_http_home"]["location"] == "https://archive.example/"


def test_spoofed_host_gets_400(probe):
    """A Host header that is not in ALLOWED_HOSTS gets a 400, never a page."""
    assert probe["spoofed_host"]["status"] == 400


def test_login_works_in_production(probe):
    """The admin login succeeds over https with the prefixed cookies (a real editor is not locked out)."""
    assert probe["login_post"]["status"] == 302
    assert probe["admin_index"]["status"] == 200


# --- Every page complies with the policy without needing an exception ---------------------------


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, <style>, style=, on*= handlers."""

    def __init__(self):
        super().__init__()
        self.violations = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            kind = (attributes.get("type") or "").lower()
            # Data blocks (JSON-LD, json_script) are not executed, so CSP does not apply to them.
            if kind not in {"application/ld+json", "application/json"}:
                self._in_inline_script = True
                self.violations.append(f"inline <script> {attributes}")
        if tag == "style":
            self.violations.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.violations.append(f"style attribute on <{tag}>: {value}")
            if name.startswith("on"):
                self.violations.append(f"{name} handler on <{tag}>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.violations.append(f"javascript: URL on <{tag}>")

    @classmethod
    def check(cls, html):
        parser = cls()
        parser.feed(html)
        return parser.violations


@FAST_HASHER
class PagesNeedNoInlineCodeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = make_company("Politique SA", aliases=["la politique"])
        cls.article = make_article(
            "Un article pour la politique de sécurité",
            sections=(("", "Ouverture."), ("Suite", "Deuxième partie.")),
            companies=[cls.company],
        )
        cls.other = make_article("Un autre article")
        make_link(cls.article, title="Lien interne", target=cls.other)
        make_link(cls.article, position=2, title="Lien externe", url="https://exemple.fr/")
        cls.admin = make_superuser("chef")

    def pages(self):
        article_pk, company_pk = self.article.pk, self.company.pk
        return [
            reverse("articles:home"),
            self.article.get_absolute_url(),
            self.company.get_absolute_url(),
            reverse("admin:index"),
            reverse("admin:articles_article_changelist"),
            reverse("admin:articles_article_add"),
            reverse("admin:articles_article_change", args=[article_pk]),
            reverse("admin:articles_article_history", args=[article_pk]),
            reverse("admin:articles_article_delete", args=[article_pk]),
            reverse("admin:articles_company_changelist"),
            reverse("admin:articles_company_add"),
            reverse("admin:articles_company_change", args=[company_pk]),
            reverse("admin:articles_company_delete", args=[company_pk]),
            reverse("admin:articles_articleslugredirect_changelist"),
            reverse("admin:auth_user_changelist"),
            reverse("admin:auth_user_add"),
            reverse("admin:auth_group_add"),
            reverse("admin:axes_accessattempt_changelist"),
            reverse("admin:password_change"),
            reverse("admin:articles_company_merge") + f"?ids={company_pk}",
            reverse("search:results") + "?q=politique",
            reverse("articles:company_list"),
            reverse("articles:archive_index"),
        ]

    def test_pages_have_no_inline_script_or_style(self):
        """Public and admin pages need nothing the strict CSP forbids (no inline script, style or handler)."""
        self.client.force_login(self.admin)
        for url in self.pages():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertIn("content-security-policy", {name.lower() for name in response.headers})
                self.assertEqual(InlineCodeFinder.check(response.content.decode()), [])

    def test_login_page_has_no_inline_code(self):
        """The admin login page, the first page an attacker sees, complies too."""
        response = self.client.get(reverse("admin:login"))
        self.assertEqual(InlineCodeFinder.check(response.content.decode()), [])

    def test_lockout_page_has_no_inline_code(self):
        """The login lockout page (django-axes) complies too."""
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = self.client.post(reverse("admin:login"), {"username": "chef", "password": "faux"})
        self.assertEqual(response.status_code, 429)
        self.assertEqual(InlineCodeFinder.check(response.content.decode()), [])

    def test_finder_catches_inline_code(self):
        """The checker flags an inline script, a style attribute and a handler."""
        html = '<script>alert(1)</script><p style="color:red" onclick="x()">a</p><a href="javascript:x">b</a>'
        self.assertEqual(len(InlineCodeFinder.check(html)), 4)
