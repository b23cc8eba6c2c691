"""The editor's journey in the admin, in Chromium: write, reorder, preview, publish, rename."""

import pytest

from articles.models import Article, Company

from .support import EDITOR_PASSWORD, VIEWPORTS, admin_save, login, select2_pick

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -r requirements-dev.txt)"
).expect

TITLE = "Quantix Labs grave ses puces d'inférence avec Microsoft"
OPENING = "La jeune pousse grenobloise annonce un partenariat industriel de trois ans.\nSon premier client sera Azure."
SECOND = ("Des puces dédiées", "Les circuits visent l'inférence des grands modèles, pas leur entraînement.")
THIRD = ("Un calendrier serré", "Les premiers échantillons sont attendus au printemps, la production à l'automne.")
INTERNAL_TARGET = "OpenAI ouvre ChatGPT au public, et le succès dépasse ses prévisions"


def fill_section(page, index: int, position: int, heading: str, body: str) -> None:
    page.fill(f"#id_sections-{index}-position", str(position))
    page.fill(f"#id_sections-{index}-heading", heading)
    page.fill(f"#id_sections-{index}-body", body)


def section_order(page) -> list[str]:
    """The two headed sections' headings, in the order the public page shows them."""
    headings = page.locator("main h2").all_inner_texts()
    return [heading for heading in headings if heading in (SECOND[0], THIRD[0])]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_editor_writes_previews_publishes_and_renames_an_article(browse, demo, editor, shots, size):
    """An editor builds a full article in the admin, reorders it, previews it, publishes it and changes its slug."""
    session = browse(viewport=VIEWPORTS[size])
    page = session.new_page()
    reader = browse(viewport=VIEWPORTS[size]).new_page()
    server = session.server_url

    login(page, server)
    shots(page, "dashboard")

    page.goto(f"{server}/admin/articles/article/add/")
    page.fill("#id_title", TITLE)
    page.locator("#id_title").blur()
    # The admin's prepopulate script builds the slug from the title as the editor types.
    expect(page.locator("#id_slug")).to_have_value("quantix-labs-grave-ses-puces-dinference-avec-microsoft")
    page.fill("#id_standfirst", "Un partenariat de trois ans pour des puces conçues à Grenoble.")
    page.fill("#id_byline", "Claire Dubois")

    select2_pick(page, "id_companies", "micro", "Microsoft")
    select2_pick(page, "id_companies", "Quantix Labs", "Quantix Labs")
    expect(page.locator("#id_companies + .select2-container .select2-selection__choice")).to_have_count(2)

    fill_section(page, 0, 1, "", OPENING)
    for index, (heading, body) in enumerate([SECOND, THIRD], start=1):
        page.locator("#sections-group .add-row a").click()
        fill_section(page, index, index + 1, heading, body)

    page.locator("#related_links-group .add-row a").click()
    page.fill("#id_related_links-0-position", "1")
    select2_pick(page, "id_related_links-0-target", "chatgpt au public", INTERNAL_TARGET)
    page.locator("#related_links-group .add-row a").click()
    page.fill("#id_related_links-1-position", "2")
    page.fill("#id_related_links-1-title", "Le site de Quantix Labs")
    page.fill("#id_related_links-1-url", "https://quantix.example/")
    expect(page.locator("#id_status")).to_have_value("draft")
    shots(page, "new-article-filled", full_page=True)

    admin_save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    shots(page, "saved-as-draft")
    article = Article.objects.get(title=TITLE)
    assert article.status == Article.Status.DRAFT
    assert sorted(article.companies.values_list("name", flat=True)) == ["Microsoft", "Quantix Labs"]
    assert Company.objects.filter(name__iexact="microsoft").count() == 1
    assert list(article.sections.values_list("position", "heading")) == [(1, ""), (2, SECOND[0]), (3, THIRD[0])]
    assert list(article.related_links.values_list("position", "target__slug", "url")) == [
        (1, "openai-lance-chatgpt", ""),
        (2, None, "https://quantix.example/"),
    ]

    # Reorder: the second and third sections swap positions.
    page.fill("#id_sections-1-position", "3")
    page.fill("#id_sections-2-position", "2")
    admin_save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator("#id_sections-1-heading")).to_have_value(THIRD[0])
    expect(page.locator("#id_sections-2-heading")).to_have_value(SECOND[0])

    # Preview at the public address: the editor sees the draft, a reader gets a 404.
    change_url = page.url
    page.locator("a.viewsitelink").click()
    page.wait_for_url(f"{server}/articles/{article.slug}/")
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.get_by_text("Aperçu")).to_be_visible()
    assert section_order(page) == [THIRD[0], SECOND[0]]
    shots(page, "preview", full_page=True)
    page.goto(change_url)
    assert reader.goto(f"{server}/articles/{article.slug}/").status == 404
    reader.goto(f"{server}/recherche/?q=quantix")
    expect(reader.locator(".search-hit")).to_have_count(0)

    # Publish: readers now see the article with its companies and both related links.
    page.select_option("#id_status", "published")
    admin_save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    response = reader.goto(f"{server}/articles/{article.slug}/")
    assert response.status == 200
    expect(reader.get_by_text("Aperçu")).to_have_count(0)
    expect(reader.locator('a[href="/entreprises/quantix-labs/"]').first).to_have_text("Quantix Labs")
    related = reader.locator(".related")
    expect(related.get_by_role("link", name=INTERNAL_TARGET)).to_have_attribute(
        "href", "/articles/openai-lance-chatgpt/"
    )
    expect(related.get_by_role("link", name="Le site de Quantix Labs")).to_have_attribute(
        "href", "https://quantix.example/"
    )
    shots(reader, "published", full_page=True)

    # Change the slug: the old address answers with a permanent redirect to the new one.
    old_url = f"{server}/articles/{article.slug}/"
    page.fill("#id_slug", "quantix-microsoft-puces")
    admin_save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    response = reader.goto(old_url)
    assert reader.url == f"{server}/articles/quantix-microsoft-puces/"
    assert response.request.redirected_from.url == old_url
    assert response.request.redirected_from.response().status == 301
    expect(reader.locator("h1")).to_have_text(TITLE)
    shots(reader, "after-slug-change")

    # The search index followed every save: the article is found, at its new address.
    reader.goto(f"{server}/recherche/?q=quantix")
    hit = reader.locator(".search-hit").get_by_role("link", name=TITLE)
    expect(hit).to_have_attribute("href", "/articles/quantix-microsoft-puces/")
    shots(reader, "found-by-search")


def test_second_editors_save_is_refused_when_the_first_saved_meanwhile(browse, demo, editor, django_user_model, shots):
    """Two editors open one article; the first saves, the second's save is refused and the first's edit survives."""
    django_user_model.objects.create_superuser(username="bruno", email="bruno@example.org", password=EDITOR_PASSWORD)
    article = Article.objects.get(slug="openai-emancipation-microsoft")
    claire_session = browse(viewport=VIEWPORTS["desktop"])
    server = claire_session.server_url
    claire = claire_session.new_page()
    bruno = browse(viewport=VIEWPORTS["desktop"]).new_page()
    change_url = f"{server}/admin/articles/article/{article.pk}/change/"
    login(claire, server)
    login(bruno, server, username="bruno")
    claire.goto(change_url)
    bruno.goto(change_url)

    claire.fill("#id_title", "OpenAI prend ses distances avec Microsoft")
    admin_save(claire)
    expect(claire.locator(".messagelist .success")).to_be_visible()

    bruno.fill("#id_standfirst", "Un chapô réécrit par Bruno, sur une version périmée de l'article.")
    admin_save(bruno)
    expect(bruno.get_by_text("Vos modifications n'ont PAS été enregistrées", exact=False)).to_be_visible()
    expect(bruno.get_by_text("OpenAI prend ses distances avec Microsoft", exact=False).first).to_be_visible()
    # Bruno's text is still in the form, for him to carry over to the current version.
    expect(bruno.locator("#id_standfirst")).to_have_value(
        "Un chapô réécrit par Bruno, sur une version périmée de l'article."
    )
    shots(bruno, "second-save-refused", full_page=True)

    article.refresh_from_db()
    assert article.title == "OpenAI prend ses distances avec Microsoft"
    assert "Bruno" not in article.standfirst

    # Reloading the current version, the second editor makes his change again and it goes through.
    bruno.goto(change_url)
    expect(bruno.locator("#id_title")).to_have_value("OpenAI prend ses distances avec Microsoft")
    bruno.fill("#id_standfirst", "Un chapô réécrit par Bruno, cette fois sur la version actuelle.")
    admin_save(bruno)
    expect(bruno.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert (article.title, article.standfirst) == (
        "OpenAI prend ses distances avec Microsoft",
        "Un chapô réécrit par Bruno, cette fois sur la version actuelle.",
    )
