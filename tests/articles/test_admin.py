"""The editors' admin, driven through the test client as an editor would use it."""

from html.parser import HTMLParser
from unittest import mock

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from articles import cache as page_cache
from articles.models import Article, Company, RelatedLink
from tests.admin_forms import form_data
from tests.factories import make_article, make_company, make_link

pytestmark = pytest.mark.django_db


def article_form_data(**overrides):
    """POST data for the article form with its two inline formsets, empty by default."""
    data = {
        "title": "OpenAI veut s'émanciper de Microsoft",
        "slug": "openai-emanciper-microsoft",
        "standfirst": "Le concepteur de ChatGPT prend ses distances.",
        "byline": "Claire Dubois",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def with_sections(data, sections, initial=()):
    """Add sections: each a dict of position/heading/body (and id for existing ones)."""
    data["sections-TOTAL_FORMS"] = str(len(sections))
    data["sections-INITIAL_FORMS"] = str(len(initial))
    for i, section in enumerate(sections):
        for key, value in section.items():
            data[f"sections-{i}-{key}"] = value
    return data


def with_links(data, links):
    data["related_links-TOTAL_FORMS"] = str(len(links))
    for i, link in enumerate(links):
        for key, value in link.items():
            data[f"related_links-{i}-{key}"] = value
    return data


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("redaction", "redaction@example.org", "motdepasse-solide-2026")
    client.force_login(user)
    return user


def test_editor_creates_a_complete_article(client, editor):
    """An editor creates an article with three sections, two companies (one new) and two links, then reads it."""
    microsoft = make_company("Microsoft")
    other = make_article("Microsoft recrute l'équipe d'Inflection AI", slug="microsoft-inflection")
    data = article_form_data(status="published", published_at_0="2026-11-20", published_at_1="10:00:00")
    with_sections(
        data,
        [
            {"position": "1", "heading": "", "body": "OpenAI prend ses distances.\nUn second paragraphe."},
            {"position": "2", "heading": "Copilot impacté ?", "body": "Les produits de Redmond suivent."},
            {"position": "3", "heading": "Nouvelles ressources", "body": "Des centres de calcul."},
        ],
    )
    with_links(
        data,
        [
            {"position": "1", "title": "", "target": str(other.pk), "url": ""},
            {"position": "2", "title": "Le blog d'OpenAI", "target": "", "url": "https://openai.com/news/"},
        ],
    )
    data["companies"] = [str(microsoft.pk), "OpenAI"]
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    article = Article.objects.get(slug="openai-emanciper-microsoft")
    assert [s.heading for s in article.sections.all()] == ["", "Copilot impacté ?", "Nouvelles ressources"]
    assert sorted(c.name for c in article.companies.all()) == ["Microsoft", "OpenAI"]
    assert Company.objects.count() == 2
    assert article.related_links.count() == 2

    client.logout()
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for expected in [
        "Copilot impacté ?",
        'id="copilot-impacte"',
        "/entreprises/openai/",
        "/articles/microsoft-inflection/",
    ]:
        assert expected in html
    assert "openai.com" in html


def test_admin_refuses_a_javascript_link(client, editor):
    """A javascript: URL in a related link is refused with a message and nothing is saved."""
    data = with_links(
        article_form_data(), [{"position": "1", "title": "Piège", "target": "", "url": "javascript:alert(1)"}]
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "http:// ou https://" in response.content.decode()
    assert not Article.objects.exists()
    assert not RelatedLink.objects.exists()


def test_reordering_sections_in_the_admin(client, editor):
    """Swapping two section positions in the change form saves the new order."""
    article = make_article(slug="ordre", sections=[("", "Un."), ("Deux", "Deux."), ("Trois", "Trois.")])
    sections = list(article.sections.all())
    data = article_form_data(
        title=article.title, slug="ordre", status="published", published_at_0="2026-01-05", published_at_1="08:00:00"
    )
    data["loaded_version"] = str(article.version)  # the version the form was loaded with (no lost edits)
    rows = []
    for section, position in zip(sections, ["1", "3", "2"], strict=True):
        rows.append(
            {
                "id": str(section.pk),
                "article": str(article.pk),
                "position": position,
                "heading": section.heading,
                "body": section.body,
            }
        )
    with_sections(data, rows, initial=rows)
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    assert list(article.sections.values_list("heading", flat=True)) == ["", "Trois", "Deux"]


def test_slug_change_in_admin_keeps_old_address(client, editor):
    """Changing an article's slug in the admin makes the old address answer 301 to the new one."""
    article = make_article(slug="ancienne-adresse")
    data = article_form_data(
        title=article.title,
        slug="nouvelle-adresse",
        status="published",
        published_at_0="2026-01-05",
        published_at_1="08:00:00",
        loaded_version=str(article.version),
    )
    section = article.sections.get()
    with_sections(
        data,
        [{"id": str(section.pk), "article": str(article.pk), "position": "1", "heading": "", "body": section.body}],
        initial=[1],
    )
    assert client.post(reverse("admin:articles_article_change", args=[article.pk]), data).status_code == 302
    client.logout()
    response = client.get("/articles/ancienne-adresse/")
    assert (response.status_code, response["Location"]) == (301, "/articles/nouvelle-adresse/")


def test_deleting_a_linked_article_is_refused_in_admin(client, editor):
    """The admin's delete page names the articles that link to the target and deletes nothing."""
    target = make_article("Cible très citée")
    make_link(make_article("Article qui cite"), target=target)
    url = reverse("admin:articles_article_delete", args=[target.pk])
    page = client.get(url).content.decode()
    assert "Article qui cite" in page
    client.post(url, {"post": "yes"})
    assert Article.objects.filter(pk=target.pk).exists()


def test_list_shows_status_companies_and_section_count(client, editor):
    """The article list shows each article's companies and number of sections."""
    make_article("Un article cité", companies=["Apple"], sections=[("", "a"), ("B", "b")])
    html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Un article cité" in html and "Apple" in html


def test_publish_action_requires_the_permission(client):
    """A contributor without the publish permission cannot publish; an editor can."""
    contributor = User.objects.create_user("pigiste", password="motdepasse-solide-2026", is_staff=True)
    contributor.user_permissions.add(*Permission.objects.filter(codename__in=["view_article", "change_article"]))
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(contributor)
    changelist = reverse("admin:articles_article_changelist")
    client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT

    contributor.user_permissions.add(Permission.objects.get(codename="publish_article"))
    contributor = User.objects.get(pk=contributor.pk)
    client.force_login(contributor)
    client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED


def test_company_autocomplete_answers(client, editor):
    """The companies autocomplete used by the article form finds companies by name."""
    make_company("Inflection AI")
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "infl", "app_label": "articles", "model_name": "article", "field_name": "companies"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Inflection AI"]


def test_company_admin_lists_aliases_and_counts(client, editor):
    """The company list shows each company's aliases and number of articles."""
    microsoft = make_company("Microsoft", aliases=["Redmond"])
    make_article(companies=[microsoft])
    html = client.get(reverse("admin:articles_company_changelist")).content.decode()
    assert "Redmond" in html


def test_staff_preview_a_draft_readers_get_404(client, editor):
    """A draft is visible to staff at its public address and a 404 for readers."""
    draft = make_article(status=Article.Status.DRAFT, slug="brouillon")
    assert client.get(draft.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def post_company_form(client, company, **changes):
    """Post the company's change form as loaded, with ``changes`` applied to its fields."""
    url = reverse("admin:articles_company_change", args=[company.pk])
    data = form_data(client.get(url).content.decode(), "company_form")
    data.pop("_addanother", None)
    data.pop("_continue", None)
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]


def test_company_list_counts_each_company_s_articles(client, editor):
    """The company list shows the number of articles carrying each company."""
    microsoft = make_company("Microsoft")
    for _ in range(3):
        make_article(companies=[microsoft])
    response = client.get(reverse("admin:articles_company_changelist"))
    row = next(c for c in response.context["cl"].result_list if c.pk == microsoft.pk)
    assert row.article_count == 3
    assert '<td class="field-article_count">3</td>' in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "reindexed"),
    [
        ({"description": "Une description nouvelle."}, False),
        ({"website": "https://exemple.fr/"}, False),
        ({"name": "Microsoft Corporation"}, True),
        ({"aliases-1-name": "Redmond (Washington)"}, True),
        ({"aliases-0-DELETE": "on"}, True),
    ],
)
def test_company_edit_reindexes_its_articles_only_when_its_names_change(
    client, editor, django_capture_on_commit_callbacks, changes, reindexed
):
    """A company's name or aliases reach its articles' search documents; other edits only purge the cache."""
    microsoft = make_company("Microsoft", aliases=["Redmond"])
    article = make_article(companies=[microsoft])
    generation = page_cache.current_generation()
    with mock.patch("articles.search.index_articles") as index, django_capture_on_commit_callbacks(execute=True):
        post_company_form(client, microsoft, **changes)
    if reindexed:
        index.assert_called_once_with([article.pk])
    else:
        index.assert_not_called()
    assert page_cache.current_generation() > generation


class _Inputs(HTMLParser):
    """Every form control of a page: {id: attributes}."""

    def __init__(self):
        super().__init__()
        self.controls = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"input", "select", "textarea"} and attrs.get("id"):
            self.controls[attrs["id"]] = attrs


def form_controls(client, url):
    parser = _Inputs()
    parser.feed(client.get(url).content.decode())
    return parser.controls


def test_inline_rows_and_publication_date_inputs_have_accessible_names(client, editor):
    """Tabular inline inputs and the publication date and time inputs carry an aria-label (no <label> of their own)."""
    article = make_article(companies=["Microsoft"])
    make_link(article, title="Un lien", url="https://exemple.fr/")
    controls = form_controls(client, reverse("admin:articles_article_change", args=[article.pk]))
    names = {
        "id_related_links-0-position": "Position",
        "id_related_links-0-title": "Titre",
        "id_related_links-0-url": "Adresse externe",
        "id_related_links-0-DELETE": "Supprimer",
        "id_related_links-__prefix__-title": "Titre",
        "id_published_at_0": "Date de publication : jour",
        "id_published_at_1": "Date de publication : heure",
    }
    assert {key: controls[key].get("aria-label") for key in names} == names
    company = Company.objects.get(name="Microsoft")
    company.aliases.create(name="Redmond")
    controls = form_controls(client, reverse("admin:articles_company_change", args=[company.pk]))
    assert controls["id_aliases-0-name"].get("aria-label") == "Alias"
    assert controls["id_aliases-0-DELETE"].get("aria-label") == "Supprimer"
    assert controls["id_aliases-1-name"].get("aria-label") == "Alias"
