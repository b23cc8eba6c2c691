"""Hostile content: 50 classic XSS payloads stored through the admin come out inert everywhere.

Everything an editor types (titles, standfirsts, bylines, headings, bodies, company names and
aliases, link titles and link addresses) is plain text. The payloads go in through the real
admin forms, then every page that shows them is parsed (html.parser, XML, JSON) and checked
for anything a browser or a feed reader would execute: a script that is not ours, an on*
handler, a javascript:/vbscript:/data: address, a dangerous element. The pages are a data
table (PAGES and friends below): add a line when a new page shows this content.
"""

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import quote

from django.test import TestCase
from django.urls import reverse

from articles.models import Article, Company, RelatedLink
from tests.admin_forms import form_data
from tests.factories import FAST_HASHER, make_superuser

# Classic vectors (OWASP's filter evasion list and friends), each marked "XSS" so a hit is
# easy to trace. Quotes of every kind, broken-out attributes, closing tags, encodings.
PAYLOADS = [
    "<script>alert('XSS')</script>",
    '"><script>alert("XSS")</script>',
    "'><script>alert(/XSS/)</script>",
    "</script><script>alert('XSS')</script>",
    "</title><script>alert('XSS')</script>",
    "</textarea><script>alert('XSS')</script>",
    "<img src=x onerror=alert('XSS')>",
    '<img src="x" onerror="alert(`XSS`)">',
    "<IMG SRC=javascript:alert('XSS')>",
    "<img src=`javascript:alert('XSS')`>",
    '<svg onload=alert("XSS")>',
    "<svg><script>alert('XSS')</script></svg>",
    "<body onload=alert('XSS')>",
    "<iframe src=\"javascript:alert('XSS')\"></iframe>",
    "<iframe srcdoc=\"<script>alert('XSS')</script>\"></iframe>",
    "<a href=\"javascript:alert('XSS')\">XSS</a>",
    "<a href=\"  JaVaScRiPt:alert('XSS')\">XSS</a>",
    '<a href="java&#x09;script:alert(1)">XSS</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4=">XSS</a>',
    "<a href=\"vbscript:msgbox('XSS')\">XSS</a>",
    "<div onmouseover=\"alert('XSS')\">XSS</div>",
    "<input autofocus onfocus=alert('XSS')>",
    "<details open ontoggle=alert('XSS')>",
    "<video><source onerror=\"alert('XSS')\"></video>",
    "<audio src=x onerror=alert('XSS')>",
    "<marquee onstart=alert('XSS')>XSS</marquee>",
    "<object data=\"javascript:alert('XSS')\"></object>",
    "<embed src=\"javascript:alert('XSS')\">",
    "<form action=\"javascript:alert('XSS')\"><button>XSS</button></form>",
    "<button formaction=javascript:alert('XSS')>XSS</button>",
    "<math><mtext><script>alert('XSS')</script></mtext></math>",
    "<base href=\"javascript:alert('XSS')//\">",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'XSS\')">',
    "<link rel=import href=\"data:text/html,<script>alert('XSS')</script>\">",
    "<style>@import 'javascript:alert(\"XSS\")';</style>",
    "<div style=\"background:url(javascript:alert('XSS'))\">XSS</div>",
    "<div style=\"width:expression(alert('XSS'))\">XSS</div>",
    "<scr<script>ipt>alert('XSS')</scr</script>ipt>",
    "<<script>alert('XSS');//<</script>",
    "<script src=//evil.example/XSS.js></script>",
    "<SCRIPT SRC=http://evil.example/XSS.js?< B >",
    "\" onmouseover=\"alert('XSS')",
    "' onfocus='alert(1)' autofocus='XSS",
    "javascript:alert('XSS')",
    "&lt;script&gt;alert('XSS')&lt;/script&gt;",
    "&#60;script&#62;alert('XSS')&#60;/script&#62;",
    "{{ 7*7 }} {% debug %} ${alert('XSS')}",
    "<!--<script>alert('XSS')</script>-->",
    "<![CDATA[<script>alert('XSS')</script>]]>",
    "\u2028\u2029</script><script>alert('XSS')</script>",
]
assert len(PAYLOADS) == 50

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background", "poster", "lowsrc"}
# (<svg> and <math> are not listed: the admin draws its icons with inline SVG; their scripts and
# handlers are caught like any other.)
DANGEROUS_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
# What browsers strip before reading a scheme: "java&#x09;script:" is "javascript:".
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")


class InertChecker(HTMLParser):
    """Lists everything in an HTML document that could run: the test wants an empty list."""

    def __init__(self, *, allowed_tags=None):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.problems: list[str] = []
        self._json_script = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.allowed_tags is not None and tag not in self.allowed_tags:
            self.problems.append(f"<{tag}> where only {sorted(self.allowed_tags)} may appear")
        if tag == "script":
            kind = (attributes.get("type") or "").lower()
            src = attributes.get("src") or ""
            if kind == "application/ld+json":
                self._json_script = []
            elif not (src.startswith("/") and not src.startswith("//")):
                self.problems.append(f"script {attributes}")
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if name in {"style", "srcdoc"}:
                self.problems.append(f"{name}= on <{tag}>")
            if name in URL_ATTRIBUTES and BAD_SCHEME.match(IGNORED_IN_SCHEME.sub("", value or "")):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_data(self, data):
        if self._json_script is not None:
            self._json_script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._json_script is not None:
            try:
                json.loads("".join(self._json_script))
            except ValueError:
                self.problems.append("JSON-LD block broken (content escaped its <script>)")
            self._json_script = None

    @classmethod
    def problems_in(cls, html, **kwargs):
        checker = cls(**kwargs)
        checker.feed(html)
        checker.close()
        return checker.problems


def feed_problems(xml_text):
    """What a feed reader would run: the parts of a feed it renders as HTML, checked as HTML.

    RSS has no content types: readers render <description> as HTML, and titles too (which is
    why Django's feed framework escapes item titles by default). Atom says it per element:
    type="html"/"xhtml" is HTML, the default type="text" is plain text and never rendered.
    """
    problems = []
    root = ET.fromstring(xml_text)
    is_rss = root.tag == "rss"
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        is_html = name in {"title", "description"} if is_rss else element.get("type") in {"html", "xhtml"}
        if is_html and element.text:
            problems += [f"{name}: {p}" for p in InertChecker.problems_in(element.text)]
    return problems


def json_problems(data, path="$"):
    """Strings in JSON are data; only the fields that carry HTML (snippets) are parsed as HTML."""
    problems = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and ("snippet" in key or "html" in key) and not key.endswith("url"):
                problems += [f"{path}.{key}: {p}" for p in InertChecker.problems_in(value, allowed_tags={"mark"})]
            else:
                problems += json_problems(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            problems += json_problems(value, f"{path}[{index}]")
    return problems


@FAST_HASHER
class HostileContentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Stored once for the class, through the admin like an editor would.
        cls.editor = make_superuser("chef")
        cls.admin_client = cls.client_class()
        cls.admin_client.force_login(cls.editor)
        cls.companies, cls.articles, previous = [], [], None
        for index, payload in enumerate(PAYLOADS):
            company = cls.store_company(index, payload)
            previous = cls.store_article(index, payload, company, previous)
            cls.companies.append(company)
            cls.articles.append(previous)

    def setUp(self):
        self.client.force_login(self.editor)

    @classmethod
    def store_company(cls, index, payload):
        url = reverse("admin:articles_company_add")
        data = form_data(cls.admin_client.get(url).content.decode(), "company_form")
        data.update(
            {
                "name": [f"{payload[:90]} {index}"],
                "slug": [f"entreprise-xss-{index}"],
                "description": [payload],
                "website": [""],
                "aliases-TOTAL_FORMS": ["1"],
                "aliases-0-name": [f"alias {index} {payload[:80]}"],
            }
        )
        response = cls.admin_client.post(url, data)
        assert response.status_code == 302, f"company {index} refused"
        return Company.objects.get(slug=f"entreprise-xss-{index}")

    @classmethod
    def store_article(cls, index, payload, company, previous):
        url = reverse("admin:articles_article_add")
        data = form_data(cls.admin_client.get(url).content.decode(), "article_form")
        data.update(
            {
                "title": [payload],
                "slug": [f"article-xss-{index}"],
                "standfirst": [f"chapô {payload}"],
                "byline": [payload[:200]],
                "companies": [str(company.pk)],
                "status": [Article.Status.PUBLISHED],
                "published_at_0": [f"{(index % 27) + 1:02d}/10/2026"],
                "published_at_1": ["10:00:00"],
                "sections-TOTAL_FORMS": ["2"],
                "sections-0-position": ["1"],
                "sections-0-body": [f"piratage {payload} piratage\n{payload}"],
                "sections-1-position": ["2"],
                "sections-1-heading": [payload],
                "sections-1-body": [f"piratage suite {payload}"],
                "related_links-TOTAL_FORMS": ["2" if previous else "1"],
                "related_links-0-position": ["1"],
                "related_links-0-title": [payload],
                "related_links-0-url": ["https://exemple.fr/?q=" + quote(payload, safe="<>\"'`=()")],
            }
        )
        if previous:
            data.update(
                {
                    "related_links-1-position": ["2"],
                    "related_links-1-title": [""],
                    "related_links-1-target": [str(previous.pk)],
                }
            )
        # Run the search indexing that follows the commit, so search pages show the payloads.
        with cls.captureOnCommitCallbacks(execute=True):
            response = cls.admin_client.post(url, data)
        assert response.status_code == 302, f"article {index} refused: {payload!r}"
        return Article.objects.get(slug=f"article-xss-{index}")

    def pages(self, companies, articles):
        """(description, url, kind) of every page that shows the stored content."""
        first, second = companies[0], companies[1]
        both = articles[1]
        pages = [
            ("home", reverse("articles:home"), "html"),
            ("home page 2", reverse("articles:home") + "?page=2", "html"),
            ("home page 3", reverse("articles:home") + "?page=3", "html"),
            ("companies", reverse("articles:company_list"), "html"),
            ("archives", reverse("articles:archive_index"), "html"),
            ("archive 2026", reverse("articles:archive_year", kwargs={"year": 2026}), "html"),
            ("archive 2026-10", reverse("articles:archive_month", kwargs={"year": 2026, "month": "10"}), "html"),
            ("rss", reverse("articles:feed_rss"), "feed"),
            ("atom", reverse("articles:feed_atom"), "feed"),
            ("sitemap", reverse("articles:sitemap"), "feed"),
            ("search", reverse("search:results") + "?q=piratage", "html"),
            ("search page 2", reverse("search:results") + "?q=piratage&page=2", "html"),
            ("search by date", reverse("search:results") + "?q=piratage&tri=date", "html"),
            ("search api", reverse("search:api") + "?q=piratage", "json"),
            ("search api page 2", reverse("search:api") + "?q=piratage&page=2", "json"),
            ("admin articles", reverse("admin:articles_article_changelist"), "html"),
            ("admin companies", reverse("admin:articles_company_changelist"), "html"),
            ("admin history", reverse("admin:articles_article_history", args=[both.pk]), "html"),
            ("admin company delete", reverse("admin:articles_company_delete", args=[first.pk]), "html"),
            ("admin merge", reverse("admin:articles_company_merge") + f"?ids={first.pk},{second.pk}", "html"),
        ]
        for article in articles:
            pages.append((f"article {article.pk}", article.get_absolute_url(), "html"))
            pages.append(
                (f"admin article {article.pk}", reverse("admin:articles_article_change", args=[article.pk]), "html")
            )
        for company in companies:
            pages += [
                (f"company {company.pk}", company.get_absolute_url(), "html"),
                (f"company rss {company.pk}", reverse("articles:company_feed_rss", args=[company.slug]), "feed"),
                (f"company atom {company.pk}", reverse("articles:company_feed_atom", args=[company.slug]), "feed"),
                (f"admin company {company.pk}", reverse("admin:articles_company_change", args=[company.pk]), "html"),
            ]
        pages.append(
            (
                "company pair",
                reverse("articles:company_pair", kwargs={"slug": first.slug, "other_slug": second.slug}),
                "html",
            )
        )
        return pages

    def check_pages(self, kinds):
        companies, articles = self.companies, self.articles
        self.assertEqual(RelatedLink.objects.filter(url__startswith="https://exemple.fr/?q=").count(), 50)
        failures = {}
        pages = [page for page in self.pages(companies, articles) if page[2] in kinds]
        self.assertGreater(len(pages), 0)
        for name, url, kind in pages:
            response = self.client.get(url)
            self.assertIn(response.status_code, (200, 302), f"{name}: {url}")
            if response.status_code != 200:
                continue
            body = response.content.decode()
            if kind == "html":
                problems = InertChecker.problems_in(body)
            elif kind == "feed":
                problems = feed_problems(body)
            else:
                self.assertEqual(response["Content-Type"].split(";")[0], "application/json")
                problems = json_problems(json.loads(body))
            if problems:
                failures[name] = problems[:5]
        self.maxDiff = None
        self.assertEqual(failures, {})

    def test_payloads_come_out_inert_on_pages_and_json(self):
        """Fifty XSS payloads saved through the admin appear on no HTML page or JSON answer as live code."""
        self.check_pages({"html", "json"})

    def test_payloads_come_out_inert_in_feeds(self):
        """The same payloads are inert in RSS/Atom feeds, whose descriptions and titles readers render as HTML."""
        self.check_pages({"feed"})

    def test_the_payloads_are_really_on_the_pages(self):
        """The check above is not vacuous: the payload text is on the pages, escaped."""
        response = self.client.get(self.articles[0].get_absolute_url())
        self.assertContains(response, "&lt;script&gt;alert(&#x27;XSS&#x27;)&lt;/script&gt;")
        search = self.client.get(reverse("search:results") + "?q=piratage")
        self.assertContains(search, "&lt;script&gt;")
        self.assertContains(search, "<mark>")

    def test_checker_finds_live_code(self):
        """The checker catches unescaped payloads, so a regression would fail the test."""
        for payload in [PAYLOADS[0], PAYLOADS[6], PAYLOADS[15], PAYLOADS[17], PAYLOADS[10], PAYLOADS[35]]:
            with self.subTest(payload=payload):
                self.assertNotEqual(InertChecker.problems_in(f"<p>{payload}</p>"), [])
        self.assertNotEqual(InertChecker.problems_in('<script type="application/ld+json">{"a": "</script>'), [])

    def test_link_addresses_other_than_http_refused(self):
        """javascript:, data:, vbscript: and disguised variants are refused by the admin, nothing saved."""
        company = self.companies[0]
        url = reverse("admin:articles_article_add")
        template = form_data(self.client.get(url).content.decode(), "article_form")
        for index, address in enumerate(
            [
                "javascript:alert('XSS')",
                " JaVaScRiPt:alert(1)",
                "java\tscript:alert(1)",
                "data:text/html,<script>alert(1)</script>",
                "vbscript:msgbox(1)",
                "ftp://exemple.fr/fichier",
                "//evil.example/",
                "file:///etc/passwd",
            ]
        ):
            with self.subTest(address=address):
                data = {**template}
                data.update(
                    {
                        "title": [f"Lien piégé {index}"],
                        "slug": [f"lien-piege-{index}"],
                        "companies": [str(company.pk)],
                        "sections-0-body": ["Texte."],
                        "related_links-TOTAL_FORMS": ["1"],
                        "related_links-0-position": ["1"],
                        "related_links-0-title": ["Piège"],
                        "related_links-0-url": [address],
                    }
                )
                response = self.client.post(url, data)
                if response.status_code == 302:
                    # "//evil.example/" is taken as https://evil.example/: an http(s) address.
                    link = RelatedLink.objects.get(article__slug=f"lien-piege-{index}")
                    self.assertRegex(link.url, r"^https?://")
                else:
                    self.assertEqual(response.status_code, 200)
                    self.assertFalse(Article.objects.filter(slug=f"lien-piege-{index}").exists())
