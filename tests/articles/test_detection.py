"""Company detection in article texts, and the admin's "mentioned but not tagged" panel."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from articles.detection import CompanyDetector, normalise, untagged_mentions
from articles.models import Article
from tests.factories import make_article, make_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool():
    return {
        "microsoft": make_company("Microsoft", aliases=["Redmond", "le groupe de Redmond", "l'éditeur de Windows"]),
        "openai": make_company("OpenAI", aliases=["le concepteur de ChatGPT"]),
        "apple": make_company("Apple", aliases=["Cupertino"]),
        "societe": make_company("Société Générale"),
        "meta": make_company("Meta"),
    }


def counts(text):
    detector = CompanyDetector.from_database()
    return {mention.name: mention.count for mention in detector.mentions(text)}


def test_normalise_folds_case_accents_quotes_and_spaces():
    """Normalisation lowercases, strips accents, straightens quotes and collapses spaces."""
    assert normalise("L’Éditeur\u00a0 de «Windows»") == 'l\'editeur de "windows"'


def test_normalise_folds_ligatures_as_the_search_index_does():
    """Ligatures fold like in search ("Œuvre" is "oeuvre"), so "Cœur Capital" is found as "Coeur Capital"."""
    assert normalise("L’Œuvre de Cœur Capital") == "l'oeuvre de coeur capital"
    make_company("Cœur Capital")
    assert counts("coeur capital lève des fonds ; CŒUR CAPITAL confirme.") == {"Cœur Capital": 2}


def test_name_found_whatever_the_case_and_accents(pool):
    """A name is found in any case and without its accents."""
    assert counts("La SOCIETE GENERALE et la société générale.") == {"Société Générale": 2}


def test_elided_names_are_found_with_straight_and_typographic_apostrophes(pool):
    """Elisions do not hide a name: l'OpenAI, d’Apple, L’OPENAI."""
    assert counts("Le pari de l'OpenAI, d’Apple et de L’OPENAI.") == {"OpenAI": 2, "Apple": 1}


def test_whole_words_only(pool):
    """A name inside a longer word is not a mention: Applebee, métavers, Microsoftien."""
    assert counts("Un dîner chez Applebee dans le métavers, très Microsoftien.") == {}


def test_hyphen_separates_words(pool):
    """A hyphenated pair mentions both companies."""
    assert counts("L'accord Microsoft-OpenAI est revu.") == {"Microsoft": 1, "OpenAI": 1}


def test_aliases_and_periphrases_count_for_their_company(pool):
    """Aliases count, with or without their leading article, and a longer alias is one mention."""
    text = (
        "Le groupe de Redmond investit. Du côté de Redmond, on confirme. "
        "Cet éditeur de Windows et L’éditeur de Windows ; le concepteur de ChatGPT répond."
    )
    assert counts(text) == {"Microsoft": 4, "OpenAI": 1}


def test_mentions_sorted_by_count_then_name(pool):
    """The most mentioned company comes first, ties in name order."""
    detector = CompanyDetector.from_database()
    names = [m.name for m in detector.mentions("Apple, Meta, Microsoft, Meta. Cupertino.")]
    assert names == ["Apple", "Meta", "Microsoft"]


def test_detector_loads_the_pool_in_two_queries(pool, django_assert_num_queries):
    """Companies and aliases are loaded in two queries, whatever their number."""
    for n in range(30):
        make_company(f"Entreprise {n}", aliases=[f"Alias {n}"])
    with django_assert_num_queries(2):
        detector = CompanyDetector.from_database()
    assert detector.count("Entreprise 7 et Alias 7") == {detector.owner["entreprise 7"]: 2}


def test_empty_pool_finds_nothing():
    """With no company at all, detection returns nothing rather than failing."""
    assert CompanyDetector.from_database().mentions("Microsoft") == []


def test_untagged_mentions_leave_out_tagged_companies(pool):
    """The panel's list skips companies the article is already tagged with."""
    article = make_article(
        "Microsoft et OpenAI renégocient",
        sections=[("", "Le groupe de Redmond discute avec OpenAI."), ("Et Apple ?", "Cupertino observe.")],
        companies=[pool["openai"]],
    )
    mentions = untagged_mentions(article)
    assert [(m.name, m.count) for m in mentions] == [("Apple", 2), ("Microsoft", 2)]


# --- Admin panel --------------------------------------------------------------------------------


@pytest.fixture
def editor():
    return User.objects.create_superuser("redaction", "redaction@example.org", "motdepasse-solide-2026")


@pytest.fixture
def article(pool):
    return make_article(
        "Le groupe de Redmond et le concepteur de ChatGPT",
        slug="redmond-chatgpt",
        sections=[("", "Microsoft parle à OpenAI. Microsoft insiste."), ("Apple ?", "Rien de neuf.")],
        companies=[pool["apple"]],
    )


def add_url(article):
    return reverse("admin:articles_article_add_company", args=[article.pk])


def test_panel_lists_untagged_companies_with_counts(client, editor, article):
    """The change form shows each mentioned, untagged company with its count and an add button."""
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Entreprises mentionnées mais non étiquetées" in body
    assert [(m.name, m.count) for m in response.context["untagged_mentions"]] == [("Microsoft", 3), ("OpenAI", 2)]
    assert "3 mentions" in body and "2 mentions" in body
    assert body.count(f'action="{add_url(article)}"') == 2
    assert "<script>" not in body.split("detected-companies")[1]


def test_panel_absent_when_everything_is_tagged(client, editor, pool):
    """No panel when every mentioned company is already tagged."""
    article = make_article("Apple seule", sections=[("", "Apple, encore Apple.")], companies=[pool["apple"]])
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Entreprises mentionnées mais non étiquetées" not in response.content.decode()


def test_one_click_add_tags_the_article_and_returns_to_the_form(client, editor, article, pool):
    """POSTing a company tags the article, bumps its version, logs it and redirects to the form."""
    client.force_login(editor)
    version = article.version
    response = client.post(add_url(article), {"company": pool["microsoft"].pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    article.refresh_from_db()
    assert set(article.companies.values_list("name", flat=True)) == {"Apple", "Microsoft"}
    assert article.version == version + 1
    assert LogEntry.objects.filter(object_id=str(article.pk)).exists()
    page = client.get(response["Location"])
    assert [m.name for m in page.context["untagged_mentions"]] == ["OpenAI"]


def test_add_refuses_get(client, editor, article):
    """The add URL changes data, so GET is refused with 405."""
    client.force_login(editor)
    assert client.get(add_url(article)).status_code == 405


def test_add_requires_csrf_token(editor, article, pool):
    """Without its CSRF token the add is refused and nothing is tagged."""
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(editor)
    response = csrf_client.post(add_url(article), {"company": pool["microsoft"].pk})
    assert response.status_code == 403
    assert not article.companies.filter(pk=pool["microsoft"].pk).exists()


def test_add_requires_change_permission(client, article, pool):
    """A staff member who may only view articles cannot tag them."""
    viewer = User.objects.create_user("lecteur", password="motdepasse-solide-2026", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    response = client.post(add_url(article), {"company": pool["microsoft"].pk})
    assert response.status_code == 403
    assert not article.companies.filter(pk=pool["microsoft"].pk).exists()


def test_add_unknown_company_is_a_message_not_an_error(client, editor, article):
    """A company id that does not exist redirects back with an error message, never a 500."""
    client.force_login(editor)
    response = client.post(add_url(article), {"company": "999999"}, follow=True)
    assert response.status_code == 200
    assert any("rien n'a été ajouté" in str(m) for m in response.context["messages"])
    assert list(article.companies.values_list("name", flat=True)) == ["Apple"]


def test_add_on_missing_article_is_404(client, editor, pool):
    """An unknown article answers 404."""
    client.force_login(editor)
    url = reverse("admin:articles_article_add_company", args=[987654])
    assert client.post(url, {"company": pool["apple"].pk}).status_code == 404


def test_add_for_an_already_tagged_company_changes_nothing(client, editor, article, pool):
    """Adding a company the article already has leaves the version alone."""
    client.force_login(editor)
    version = Article.objects.get(pk=article.pk).version
    client.post(add_url(article), {"company": pool["apple"].pk})
    assert Article.objects.get(pk=article.pk).version == version
