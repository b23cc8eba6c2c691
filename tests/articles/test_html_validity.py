"""Public pages are well-formed HTML5: no parse error, unique ids, one h1, labelled landmarks."""

import io

import html5lib
import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, Company

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())


def public_urls():
    article = Article.objects.published().filter(sections__heading__gt="").first()
    company = Company.objects.with_public_coverage().order_by("-public_count").first()
    other = company.tagged_articles.first().content_object.companies.exclude(pk=company.pk).first()
    year = article.published_at.year
    return [
        reverse("articles:home"),
        article.get_absolute_url(),
        reverse("articles:company_list"),
        company.get_absolute_url(),
        *([reverse("articles:company_pair", kwargs={"slug": company.slug, "other_slug": other.slug})] if other else []),
        reverse("articles:archive_year", kwargs={"year": year}),
        reverse("articles:archive_month", kwargs={"year": year, "month": article.published_at.month}),
        reverse("search:results") + "?q=microsoft",
        reverse("search:results") + "?q=microsft",
        "/articles/cet-article-n-existe-pas/",
    ]


def test_the_check_catches_malformed_markup():
    """The parser used below does report stray and misnested tags, so a clean result means something."""
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    parser.parse("<!DOCTYPE html><html lang=fr><title>x</title><p><b>gras</p></i>")
    assert parser.errors


def test_public_pages_parse_as_html5_without_error(client, demo):
    """Every public page parses with the HTML5 algorithm reporting no error, and its ids are unique."""
    for url in public_urls():
        response = client.get(url)
        parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
        tree = parser.parse(response.content.decode())
        assert not parser.errors, f"{url}: {parser.errors[:3]}"
        ids = [element.get("id") for element in tree.iter() if element.get("id")]
        assert len(ids) == len(set(ids)), f"{url}: duplicate ids {sorted({i for i in ids if ids.count(i) > 1})}"
        assert len(tree.findall(".//h1")) == 1, f"{url}: not exactly one h1"
        assert tree.find(".//main") is not None, f"{url}: no <main> landmark"
