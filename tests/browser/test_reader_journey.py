"""The reader's journeys in Chromium, at phone and desktop sizes, on the demo archive."""

import re

import pytest

from .support import VIEWPORTS, tab_to

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -r requirements-dev.txt)"
).expect

ARTICLE = "OpenAI veut s'émanciper de Microsoft"
SECTION = ("Copilot impacté ?", "copilot-impacte")
OLDER_ARTICLE = "Microsoft multiplie ses investissements dans OpenAI"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_reader_goes_from_home_to_an_article_a_section_a_company_and_an_older_article(browse, demo, shots, size):
    """A reader follows links from home to an article, its section, a company page with its chart, an older article."""
    session = browse(viewport=VIEWPORTS[size])
    page = session.new_page()
    server = session.server_url

    page.goto(f"{server}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shots(page, "home")

    page.get_by_role("link", name=ARTICLE, exact=True).first.click()
    page.wait_for_url(f"{server}/articles/openai-emancipation-microsoft/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE)
    shots(page, "article")

    # The table of contents jumps to the section, which scrolls into view.
    section = page.locator(f"section#{SECTION[1]}")
    expect(section).not_to_be_in_viewport()
    page.locator("nav.toc").get_by_role("link", name=SECTION[0]).click()
    page.wait_for_url(f"{server}/articles/openai-emancipation-microsoft/#{SECTION[1]}")
    expect(section.get_by_role("heading", name=SECTION[0])).to_be_in_viewport()
    shots(page, "section-from-table-of-contents")

    # A company tag leads to the company's page and its coverage chart.
    page.get_by_role("list", name="Entreprises citées").get_by_role("link", name="Microsoft", exact=True).click()
    page.wait_for_url(f"{server}/entreprises/microsoft/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Microsoft")
    chart = page.locator("figure.chart svg[role=img]")
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    assert chart.locator("rect").count() >= 5
    shots(page, "company-page")
    shots(page, "company-page-chart", full_page=True)

    # The company's oldest article, at the bottom of its list, is one click away.
    cards = page.locator("main article")
    first_date = cards.first.locator("time").get_attribute("datetime")
    oldest = cards.last
    expect(oldest.get_by_role("link", name=OLDER_ARTICLE)).to_be_visible()
    oldest.get_by_role("link", name=OLDER_ARTICLE).click()
    page.wait_for_url(f"{server}/articles/microsoft-investissements-openai/")
    expect(page.get_by_role("heading", level=1)).to_have_text(OLDER_ARTICLE)
    older_date = page.locator("main .meta time").first.get_attribute("datetime")
    assert older_date < first_date
    shots(page, "older-article")

    # Everything those pages loaded (documents, styles, icons...) came from the site itself.
    assert any(url.endswith(".css") for url in session.requests)
    assert [url for url in session.requests if not url.startswith(f"{server}/")] == []


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_reader_searches_filters_and_jumps_to_a_section_with_the_keyboard_only(browse, demo, shots, size):
    """With Tab and Enter only, a reader searches without accents, filters by company, opens a snippet's section."""
    session = browse(viewport=VIEWPORTS[size])
    page = session.new_page()
    server = session.server_url
    page.goto(f"{server}/")

    # The first Tab shows the skip link, the way past the header for keyboard users.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Aller au contenu")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    shots(page, "skip-link")

    # The header's search box, reached by keyboard; "dependance" must find "dépendance".
    tab_to(page, page.locator("header").get_by_role("searchbox"))
    page.keyboard.type("dependance")
    shots(page, "query-typed")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/recherche/\?q=dependance$"))
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(2)
    expect(page.locator("mark").first).to_have_text(re.compile("^d[ée]pend", re.IGNORECASE))
    shots(page, "results")

    # Filter by company from the facets.
    tab_to(page, page.locator(".search-facets").get_by_role("link", name="Mistral AI"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"entreprise=mistral-ai"))
    expect(hits).to_have_count(1)
    expect(page.get_by_role("list", name="Filtres actifs")).to_contain_text("Mistral AI")
    shots(page, "filtered-by-company")

    # The highlighted snippet leads straight to the section it quotes.
    snippet = hits.first.locator(".search-snippet a")
    expect(snippet.locator("mark")).to_have_text("dépendance")
    tab_to(page, snippet)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}/articles/mistral-ai-leve-1-7-milliard/#nouvelles-ressources")
    expect(
        page.locator("section#nouvelles-ressources").get_by_role("heading", name="Nouvelles ressources")
    ).to_be_in_viewport()
    shots(page, "section-from-snippet")
    assert [url for url in session.requests if not url.startswith(f"{server}/")] == []
