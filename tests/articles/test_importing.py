"""The newsletter text importer: parsing the format, and the import_article command."""

import shutil
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from articles import importing
from articles.importing import NewsletterError, parse_newsletter, read_newsletter, title_key
from articles.models import Article, RelatedLink, Section, TaggedCompany
from tests.factories import make_article, make_company

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "newsletters"


def parse_fixture(name, **kwargs):
    return parse_newsletter(read_newsletter(FIXTURES / name), **kwargs)


# --- Parsing (no database) ----------------------------------------------------------------------


def test_complete_file_gives_title_sections_and_related_items():
    """A complete issue gives its title, an opening section, three headed sections and three items."""
    newsletter = parse_fixture("complete.txt")
    assert newsletter.title == "L’OpenAI de Sam Altman rebat les cartes avec Microsoft"
    assert [s.heading for s in newsletter.sections] == ["", "Copilot impacté ?", "Le nerf de la guerre", "Et après ?"]
    assert [len(s.paragraphs) for s in newsletter.sections] == [2, 2, 1, 1]
    assert newsletter.sections[1].paragraphs[0].startswith("Chez Microsoft, on assure")
    assert newsletter.sections[1].paragraphs[1].startswith("Un cadre du groupe parle d’une « transition")
    assert [(item.title, item.url) for item in newsletter.related] == [
        ("« Microsoft recrute l’équipe d’Inflection AI »", ""),
        ("Le pari d’OpenAI sur les puces maison", ""),
        ("Le communiqué officiel", "https://example.org/communique-accord"),
    ]


@pytest.mark.parametrize("dash", ["–", "—", "-"])
def test_every_dash_variant_starts_a_section(dash):
    """En dash, em dash and hyphen, spaced, all separate a heading from its first paragraph."""
    newsletter = parse_newsletter(f"# Titre\nOuverture.\nCopilot impacté ? {dash} Le texte suit.\nEncore.")
    assert [(s.heading, s.paragraphs) for s in newsletter.sections] == [
        ("", ["Ouverture."]),
        ("Copilot impacté ?", ["Le texte suit.", "Encore."]),
    ]


def test_file_without_any_heading_is_one_opening_section():
    """With no heading at all, every paragraph belongs to the opening section."""
    newsletter = parse_fixture("sans_intertitre.txt")
    assert len(newsletter.sections) == 1
    assert newsletter.sections[0].heading == ""
    assert len(newsletter.sections[0].paragraphs) == 3
    assert newsletter.related == []


def test_crlf_and_bom_are_tolerated():
    """A BOM and CRLF line ends leave no trace in the title, headings or paragraphs."""
    raw = (FIXTURES / "crlf_bom.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    newsletter = parse_fixture("crlf_bom.txt")
    assert newsletter.title == "Apple prépare son propre modèle de langage"
    assert [s.heading for s in newsletter.sections] == ["", "Un calendrier serré ?"]
    assert not any("\r" in p or "\ufeff" in p for s in newsletter.sections for p in s.paragraphs)
    assert [item.title for item in newsletter.related] == ["Microsoft recrute l'équipe d'Inflection AI"]


@pytest.mark.parametrize(
    "line",
    [
        "Selon le directeur financier du groupe interrogé par nos soins cette semaine – rien ne change.",
        "Microsoft, OpenAI, Google, Apple, Meta, Nvidia, Amazon, IBM, Oracle, SAP, Intel – tous sont là.",
        "Il a refusé. Pourtant – la suite est connue.",
        "Et pourtant, – disait-il.",
        "- Un point de liste – avec un tiret.",
        "Pas de tiret espacé ici-même.",
    ],
)
def test_a_long_or_punctuated_opening_is_not_a_heading(line):
    """Only a short heading starts a section: long clauses, sentences and bullets stay paragraphs."""
    newsletter = parse_newsletter(f"# Titre\n{line}")
    assert [(s.heading, s.paragraphs) for s in newsletter.sections] == [("", [line])]


def test_file_opening_with_a_heading_has_no_opening_section():
    """When the first paragraph is headed, there is no empty opening section."""
    newsletter = parse_newsletter("# Titre\nD'abord – le texte.")
    assert [s.heading for s in newsletter.sections] == ["D'abord"]


def test_related_list_heading_without_colon_and_in_any_case():
    """ "Pour aller plus loin" is recognised with or without a colon, in any case."""
    for marker in ["Pour aller plus loin", "POUR ALLER PLUS LOIN :", "pour aller plus loin:"]:
        newsletter = parse_newsletter(f"# T\nTexte.\n{marker}\n- Un\n— Deux")
        assert [item.title for item in newsletter.related] == ["Un", "Deux"]


def test_line_after_the_related_list_is_refused_with_its_number():
    """A paragraph after the list cannot be placed: the file is refused, naming the line."""
    with pytest.raises(NewsletterError) as error:
        parse_fixture("liste_cassee.txt")
    assert error.value.line == 7
    assert "ligne 7" in str(error.value)


def test_title_required():
    """Without a "# " line or --title, the file is refused with a clear message."""
    with pytest.raises(NewsletterError, match="pas de titre"):
        parse_fixture("sans_titre.txt")
    assert parse_fixture("sans_titre.txt", title="Titre donné").title == "Titre donné"


def test_option_title_wins_over_the_file_title():
    """--title replaces the file's "# " line, which is not kept as a paragraph."""
    newsletter = parse_newsletter("# Titre du fichier\nTexte.", title="Titre choisi")
    assert newsletter.title == "Titre choisi"
    assert newsletter.sections[0].paragraphs == ["Texte."]


def test_title_only_file_is_refused():
    """A file with a title and nothing else is refused rather than creating an empty article."""
    with pytest.raises(NewsletterError, match="aucun paragraphe"):
        parse_newsletter("# Juste un titre\n\n")


def test_invalid_related_address_is_refused():
    """An item with an address that is not a valid http(s) URL refuses the file."""
    with pytest.raises(NewsletterError, match="adresse invalide"):
        parse_newsletter("# T\nTexte.\nPour aller plus loin\n- Rapport : https://exemple..fr/a")


def test_non_utf8_file_gets_a_clear_message():
    """A Latin-1 file is refused with a message about UTF-8 and the line, not a traceback."""
    with pytest.raises(NewsletterError) as error:
        read_newsletter(FIXTURES / "latin1.txt")
    assert "UTF-8" in str(error.value)
    assert error.value.line == 1


def test_title_key_ignores_case_accents_and_quote_styles():
    """Titles match ignoring case, accents, straight or typographic quotes and surrounding quotes."""
    assert title_key("« Microsoft recrute l’équipe d’Inflection AI »") == title_key(
        "MICROSOFT RECRUTE L'EQUIPE D'INFLECTION AI"
    )
    assert title_key("“OpenAI” change") == title_key('"OpenAI" change')


# --- The command ------------------------------------------------------------------------------


@pytest.fixture
def archive(db):
    make_company("Microsoft", aliases=["Redmond", "le groupe de Redmond"])
    make_company("OpenAI", aliases=["le concepteur de ChatGPT"])
    make_company("Apple")
    make_company("Nvidia")
    make_company("Google")
    target = make_article("Microsoft recrute l'équipe d'Inflection AI", slug="microsoft-inflection")
    return {"target": target}


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_article", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_creates_a_complete_article(archive):
    """One command turns an issue into an article: sections, tagged companies, resolved links, URLs printed."""
    out, _ = run(FIXTURES / "complete.txt", "--byline", "Claire Dubois")
    article = Article.objects.get(title="L’OpenAI de Sam Altman rebat les cartes avec Microsoft")
    assert article.slug == "l-openai-de-sam-altman-rebat-les-cartes-avec-microsoft"
    assert article.status == Article.Status.DRAFT
    assert article.byline == "Claire Dubois"
    sections = list(article.sections.order_by("position"))
    assert [(s.position, s.heading, s.anchor) for s in sections] == [
        (1, "", ""),
        (2, "Copilot impacté ?", "copilot-impacte"),
        (3, "Le nerf de la guerre", "le-nerf-de-la-guerre"),
        (4, "Et après ?", "et-apres"),
    ]
    assert sections[1].body.splitlines()[1].startswith("Un cadre du groupe")
    assert set(article.companies.values_list("name", flat=True)) == {"Microsoft", "OpenAI", "Apple", "Nvidia"}
    links = list(article.related_links.order_by("position"))
    assert links[0].target == archive["target"] and links[0].title == ""
    assert links[1].is_unfinished and links[1].title == "Le pari d’OpenAI sur les puces maison"
    assert links[2].url == "https://example.org/communique-accord" and links[2].title == "Le communiqué officiel"
    assert f"/admin/articles/article/{article.pk}/change/" in out
    assert f"http://127.0.0.1:8000{article.get_absolute_url()}" in out


def test_reimport_updates_the_same_article(archive):
    """Importing the same file again updates that article: no duplicate, anchors and editors' links kept."""
    run(FIXTURES / "complete.txt")
    article = Article.objects.get(slug="l-openai-de-sam-altman-rebat-les-cartes-avec-microsoft")
    section_ids = set(article.sections.values_list("pk", flat=True))
    unfinished = article.related_links.get(position=2)
    unfinished.url = "https://example.org/puces"
    unfinished.save()
    version = Article.objects.get(pk=article.pk).version

    out, _ = run(FIXTURES / "complete.txt")
    assert "mis à jour" in out
    assert Article.objects.filter(title__startswith="L’OpenAI").count() == 1
    article.refresh_from_db()
    assert set(article.sections.values_list("pk", flat=True)) == section_ids
    assert article.related_links.count() == 3
    assert article.related_links.get(position=2).url == "https://example.org/puces"
    assert article.version > version


def test_dry_run_writes_nothing_and_describes_the_file(archive):
    """--dry-run prints title, headings with first words, companies and link resolution, and writes nothing."""
    before = [model.objects.count() for model in (Article, Section, RelatedLink, TaggedCompany)]
    out, _ = run(FIXTURES / "complete.txt", "--dry-run")
    assert [model.objects.count() for model in (Article, Section, RelatedLink, TaggedCompany)] == before
    assert "Titre : L’OpenAI de Sam Altman rebat les cartes avec Microsoft" in out
    assert "Créerait un nouvel article" in out
    assert "Copilot impacté ? — 2 paragraphe(s) : Chez Microsoft, on assure" in out
    assert "Microsoft (5)" in out and "OpenAI (3)" in out
    assert "article de l'archive « microsoft-inflection »" in out
    assert "non trouvé dans l'archive : lien à compléter" in out
    assert "lien externe https://example.org/communique-accord" in out


def test_folder_imports_good_files_and_reports_bad_ones(archive, tmp_path):
    """In a folder, unreadable or unparsable files are reported with their reason and skipped."""
    for name in ["complete.txt", "crlf_bom.txt", "sans_intertitre.txt", "sans_titre.txt", "latin1.txt"]:
        shutil.copy(FIXTURES / name, tmp_path / name)
    (tmp_path / "notes.md").write_text("ignoré : pas un .txt", encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="2 fichier"):
        call_command("import_article", str(tmp_path), stdout=out, stderr=err)
    assert Article.objects.count() == 1 + 3
    assert "latin1.txt : ignoré — ligne 1 : le fichier n'est pas encodé en UTF-8" in err.getvalue()
    assert "sans_titre.txt : ignoré — pas de titre" in err.getvalue()
    crlf = Article.objects.get(slug="apple-prepare-son-propre-modele-de-langage")
    assert crlf.related_links.get().target == archive["target"]
    assert list(crlf.companies.values_list("name", flat=True)) == ["Apple"]


def test_missing_file_is_reported(archive, tmp_path):
    """A path that does not exist is reported and the other files still import."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_article",
            str(tmp_path / "absent.txt"),
            str(FIXTURES / "sans_intertitre.txt"),
            stdout=out,
            stderr=err,
        )
    assert "absent.txt : ignoré — fichier introuvable" in err.getvalue()
    assert Article.objects.filter(slug="mistral-ai-leve-de-nouveaux-fonds").exists()


def test_publish_at_the_given_date(archive):
    """--publish with --published-at publishes the article at that date (Paris time when naive)."""
    run(FIXTURES / "sans_intertitre.txt", "--publish", "--published-at", "2026-03-02T08:30")
    article = Article.objects.get(slug="mistral-ai-leve-de-nouveaux-fonds")
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == datetime(2026, 3, 2, 7, 30, tzinfo=UTC)


def test_bad_options_are_refused(archive):
    """An invalid date, or --title with several files, is refused before anything is written."""
    with pytest.raises(CommandError, match="date invalide"):
        run(FIXTURES / "complete.txt", "--published-at", "hier")
    with pytest.raises(CommandError, match="un seul fichier"):
        run(FIXTURES / "complete.txt", FIXTURES / "crlf_bom.txt", "--title", "T")
    assert Article.objects.count() == 1


def test_failed_import_leaves_nothing_behind(archive, monkeypatch):
    """A failure midway through an article rolls the whole article back (one transaction)."""

    def broken(**kwargs):
        raise DatabaseError("panne simulée")

    monkeypatch.setattr(importing.services, "article_tag_companies", broken)
    with pytest.raises(CommandError):
        run(FIXTURES / "complete.txt")
    assert Article.objects.count() == 1
    assert not Section.objects.exclude(article=archive["target"]).exists()


def test_internal_link_never_points_to_itself(db, tmp_path):
    """An item titled like the article itself stays unfinished rather than a self-link."""
    path = tmp_path / "soi.txt"
    path.write_text("# Le titre\nTexte.\nPour aller plus loin\n- Le titre\n", encoding="utf-8")
    run(path)
    run(path)
    article = Article.objects.get(slug="le-titre")
    assert article.related_links.get().is_unfinished


def test_a_file_can_link_to_an_article_imported_earlier_in_the_same_run(db, tmp_path):
    """Files are imported in name order, and each one becomes a link target for the files after it."""
    (tmp_path / "1_usine.txt").write_text(
        "# Nvidia ouvre une usine en Europe\nTexte.\nPour aller plus loin\n- Un article que l'archive n'a pas\n",
        encoding="utf-8",
    )
    (tmp_path / "2_suite.txt").write_text(
        "# La suite\nTexte.\nPour aller plus loin\n- « NVIDIA ouvre une usine en Europe »\n", encoding="utf-8"
    )
    run(tmp_path)
    first = Article.objects.get(slug="nvidia-ouvre-une-usine-en-europe")
    assert first.related_links.get().is_unfinished
    assert Article.objects.get(slug="la-suite").related_links.get().target == first
