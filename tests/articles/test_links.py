"""Article and company URLs, and the fixed pages' (``{% route %}``), come from a route reversed
once (articles.links): always the URL ``reverse()`` gives, whatever the slug, script prefix or
URLconf."""

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from articles.links import route_url, slug_url

ROUTES = ["articles:article_detail", "articles:company_detail"]


@pytest.mark.parametrize("name", ROUTES)
@pytest.mark.parametrize("slug", ["openai", "copilot-impacte-2024", "a_b", "x", "Majuscules-42"])
def test_slug_urls_are_those_reverse_gives(name, slug):
    """For slugs of the route's alphabet, the URL is exactly reverse()'s."""
    assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})


@pytest.mark.parametrize("slug", ["café", "a b", "", "../admin"])
def test_slugs_outside_the_alphabet_go_through_reverse(slug):
    """A slug the route refuses raises NoReverseMatch as reverse() does; none is built by hand."""
    with pytest.raises(NoReverseMatch):
        reverse("articles:article_detail", kwargs={"slug": slug})
    with pytest.raises(NoReverseMatch):
        slug_url("articles:article_detail", slug)


def test_the_script_prefix_is_honoured():
    """Served under /archive/, links carry the prefix; back at the root, they do not."""
    set_script_prefix("/archive/")
    try:
        assert slug_url("articles:article_detail", "openai").startswith("/archive/articles/")
    finally:
        clear_script_prefix()
    root = reverse("articles:article_detail", kwargs={"slug": "openai"})
    assert slug_url("articles:article_detail", "openai") == root


def test_a_swapped_urlconf_is_honoured():
    """Under another URLconf, links follow it, and follow the project's again after."""
    project = slug_url("articles:article_detail", "openai")  # remembered under the project's URLconf
    with override_settings(ROOT_URLCONF="tests.articles.urls_elsewhere"):
        assert slug_url("articles:article_detail", "openai") == "/ailleurs" + project
    assert slug_url("articles:article_detail", "openai") == project


FIXED = ["articles:home", "articles:company_list", "articles:archive_index", "articles:feed_rss", "search:results"]


@pytest.mark.parametrize("name", FIXED)
def test_fixed_routes_are_those_reverse_gives_under_any_prefix(name):
    """{% route %} writes what {% url %} writes, at the root and under /archive/."""
    template = engines["django"].from_string(f"{{% load archive %}}{{% route '{name}' %}}|{{% url '{name}' %}}")
    ours, django_s = template.render().split("|")
    assert ours == django_s == reverse(name)
    set_script_prefix("/archive/")
    try:
        assert route_url(name) == reverse(name)
        assert route_url(name).startswith("/archive/")
    finally:
        clear_script_prefix()
    assert route_url(name) == reverse(name)
