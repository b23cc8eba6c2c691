"""Whole-archive export and import (JSON Lines): round trip, updates, ordering and bad input."""

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import archive, services
from articles.models import (
    Article,
    ArticleSlugRedirect,
    Company,
    CompanyAlias,
    CompanySlugRedirect,
    RelatedLink,
    Section,
)
from tests.factories import make_article, make_company, make_link

pytestmark = pytest.mark.django_db

CREATED = datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
UPDATED = datetime(2025, 6, 7, 8, 9, 10, 123456, tzinfo=UTC)


@pytest.fixture
def rich_archive():
    """Every kind of data an archive holds, with fixed timestamps."""
    microsoft = make_company(
        "Microsoft",
        aliases=["Redmond", "l'éditeur de Windows"],
        description="Éditeur de Windows, basé à Redmond.",
        website="https://www.microsoft.com",
    )
    openai = make_company("OpenAI", aliases=["le concepteur de ChatGPT"], website="https://openai.com")
    make_company("Société Générale", description="Une banque, sans article.")
    previous = microsoft.slug
    microsoft.slug = "microsoft-corp"
    microsoft.save()
    services.company_record_slug(company=microsoft, previous_slug=previous)

    # "a-…" links to "z-…", which comes later in the file: the import needs its second pass.
    first = make_article(
        "Accord Microsoft et OpenAI",
        slug="a-accord",
        standfirst="Le chapô, avec des « guillemets » et un retour\u2028ligne.",
        byline="Claire Dubois",
        sections=[("", "Ouverture.\nDeuxième paragraphe."), ("Copilot impacté ?", "Chez Microsoft…")],
        companies=[microsoft, openai],
    )
    heading = first.sections.get(position=2)
    heading.heading = "Copilot touché ?"  # the anchor stays "copilot-impacte"
    heading.save()
    last = make_article("Zéro défaut chez OpenAI", slug="z-zero", companies=[openai])
    draft = make_article("Brouillon sans date", slug="ab-brouillon", status=Article.Status.DRAFT)
    make_article(
        "Programmé", slug="abc-programme", published_at=timezone.now() + timedelta(days=3), companies=[microsoft]
    )
    make_link(first, position=1, target=last)
    make_link(first, position=2, title="Le site officiel", url="https://openai.com/blog")
    make_link(first, position=3, title="Un article à retrouver")
    make_link(draft, position=1, target=first, title="Titre choisi")
    ArticleSlugRedirect.objects.create(old_slug="ancien-accord", article=first)
    ArticleSlugRedirect.objects.update(created_at=CREATED)
    CompanySlugRedirect.objects.update(created_at=CREATED)
    Article.objects.update(created_at=CREATED, updated_at=UPDATED)
    return {"first": first, "last": last, "draft": draft}


def export_text() -> str:
    out = StringIO()
    archive.export_archive(out)
    return out.getvalue()


def wipe():
    """An empty archive, as in a fresh database."""
    RelatedLink.objects.all().delete()
    Article.objects.all().delete()
    Company.objects.all().delete()
    assert not (
        ArticleSlugRedirect.objects.exists() or CompanySlugRedirect.objects.exists() or Section.objects.exists()
    )


def write(tmp_path, text, name="archive.jsonl"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def run_import(path, *args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_archive", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def test_round_trip_into_an_empty_database_is_byte_identical(rich_archive, tmp_path):
    """Export, import into an empty database, export again: the same bytes."""
    first = export_text()
    path = write(tmp_path, first)
    wipe()
    out, err, error = run_import(path)
    assert error is None, err
    assert "4 article(s) créé(s)" in out
    assert export_text() == first


def test_round_trip_restores_everything(rich_archive, tmp_path):
    """After the round trip, timestamps, anchors, aliases, links and slug history are as they were."""
    path = write(tmp_path, export_text())
    wipe()
    run_import(path)
    first = Article.objects.get(slug="a-accord")
    assert (first.created_at, first.updated_at) == (CREATED, UPDATED)
    assert list(first.sections.values_list("heading", "anchor")) == [
        ("", ""),
        ("Copilot touché ?", "copilot-impacte"),
    ]
    links = list(first.related_links.order_by("position"))
    assert links[0].target.slug == "z-zero"  # a target that came later in the file
    assert (links[1].title, links[1].url) == ("Le site officiel", "https://openai.com/blog")
    assert links[2].is_unfinished
    assert ArticleSlugRedirect.objects.get(old_slug="ancien-accord").article == first
    microsoft = Company.objects.get(slug="microsoft-corp")
    assert microsoft.website == "https://www.microsoft.com"
    assert sorted(microsoft.aliases.values_list("name", flat=True)) == ["Redmond", "l'éditeur de Windows"]
    assert CompanySlugRedirect.objects.get(old_slug="microsoft").company == microsoft
    assert Company.objects.filter(name="Société Générale").exists()
    draft = Article.objects.get(slug="ab-brouillon")
    assert (draft.status, draft.published_at) == ("draft", None)


def test_import_into_an_existing_database_updates_without_duplicating(rich_archive, tmp_path):
    """Importing an archive over itself creates nothing new and leaves the same export."""
    first = export_text()
    counts = [m.objects.count() for m in (Article, Section, RelatedLink, Company, CompanyAlias)]
    out, err, error = run_import(write(tmp_path, first))
    assert error is None, err
    assert "0 article(s) créé(s), 4 mis à jour" in out
    assert [m.objects.count() for m in (Article, Section, RelatedLink, Company, CompanyAlias)] == counts
    assert export_text() == first


def test_import_brings_an_edited_archive_back_to_the_file(rich_archive, tmp_path):
    """Local edits since the export are replaced by the file's content, and the version moves on."""
    path = write(tmp_path, export_text())
    first = rich_archive["first"]
    Article.objects.filter(pk=first.pk).update(title="Titre modifié")
    first.sections.filter(position=1).update(body="Texte modifié.")
    CompanyAlias.objects.create(company=Company.objects.get(name="OpenAI"), name="Alias ajouté")
    version = Article.objects.get(pk=first.pk).version
    run_import(path)
    first.refresh_from_db()
    assert first.title == "Accord Microsoft et OpenAI"
    assert first.sections.get(position=1).body == "Ouverture.\nDeuxième paragraphe."
    assert not CompanyAlias.objects.filter(name="Alias ajouté").exists()
    assert first.version == version + 1


def test_export_format(rich_archive):
    """Header first, then companies, then articles, each by byte order of slug, keys sorted, one per line."""
    lines = export_text().split("\n")
    assert lines[-1] == ""
    records = [json.loads(line) for line in lines[:-1]]
    assert records[0] == {"format": "newsroom-archive", "type": "header", "version": 1}
    assert [r["type"] for r in records] == ["header"] + ["company"] * 3 + ["article"] * 4
    assert [r["slug"] for r in records if r["type"] == "article"] == [
        "a-accord",
        "ab-brouillon",
        "abc-programme",
        "z-zero",
    ]
    for line in lines[:-1]:
        assert line == json.dumps(json.loads(line), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    article = next(r for r in records if r.get("slug") == "a-accord")
    assert article["created_at"] == "2024-01-02T03:04:05.678901Z"
    assert article["related"][0] == {"position": 1, "target": "z-zero", "title": "", "url": ""}
    assert article["companies"][0]["aliases"] == ["Redmond", "l'éditeur de Windows"]
    assert article["old_slugs"] == [{"created_at": "2024-01-02T03:04:05.678901Z", "old_slug": "ancien-accord"}]
    company = next(r for r in records if r.get("slug") == "microsoft-corp")
    assert company["old_slugs"] == [{"created_at": "2024-01-02T03:04:05.678901Z", "old_slug": "microsoft"}]


def _articles_with_everything(n):
    company = make_company(f"Entreprise {n}", aliases=[f"Alias {n}"])
    articles = [
        make_article(sections=[("", "Texte."), (f"Intertitre {i}", "Suite.")], companies=[company]) for i in range(n)
    ]
    for i, article in enumerate(articles):
        if n > 1:
            make_link(article, position=1, target=articles[i - 1])
        ArticleSlugRedirect.objects.create(old_slug=f"ancien-{article.slug}", article=article)


def test_export_reads_in_a_constant_number_of_queries(django_assert_num_queries):
    """Exporting 1 or 50 articles costs the same number of queries (chunked, prefetched)."""
    _articles_with_everything(1)
    with CaptureQueriesContext(connection) as one:
        export_text()
    wipe()
    _articles_with_everything(50)
    with django_assert_num_queries(len(one.captured_queries)):
        text = export_text()
    assert text.count('"type":"article"') == 50


def test_export_command_writes_a_file_or_standard_output(rich_archive, tmp_path):
    """--output writes the file (no partial file left); without it the archive goes to stdout."""
    target = tmp_path / "sortie.jsonl"
    out = StringIO()
    call_command("export_archive", "--output", str(target), stdout=out)
    assert "4 articles exportés" in out.getvalue()
    assert target.read_text(encoding="utf-8") == export_text()
    assert not (tmp_path / "sortie.jsonl.partiel").exists()
    stdout = StringIO()
    call_command("export_archive", stdout=stdout, stderr=StringIO())
    assert stdout.getvalue() == export_text()


# --- Bad input ----------------------------------------------------------------------------------


def _broken_archive(rich_archive):
    """The rich archive's export with a malformed line 3 and an article with a bad status."""
    lines = export_text().split("\n")
    lines.insert(2, '{"type": "company", "name": ')
    bad = json.loads(lines[-2])
    bad.update(slug="statut-inconnu", status="archivé")
    lines.insert(-1, json.dumps(bad, ensure_ascii=False))
    return "\n".join(lines)


def test_malformed_lines_are_reported_with_their_number_and_skipped(rich_archive, tmp_path):
    """Bad lines are named by number and skipped; every other line is imported."""
    text = _broken_archive(rich_archive)
    wipe()
    out, err, error = run_import(write(tmp_path, text))
    assert error is not None and "2 ligne(s) ignorée(s)" in str(error)
    assert "ligne 3 : JSON invalide" in err
    bad_line = text.split("\n").index(next(line for line in text.split("\n") if "statut-inconnu" in line)) + 1
    assert f"ligne {bad_line} : « status » inconnu : 'archivé'" in err
    assert "4 article(s) créé(s)" in out
    assert Article.objects.count() == 4
    assert not Article.objects.filter(slug="statut-inconnu").exists()


def test_atomic_refuses_the_whole_file(rich_archive, tmp_path):
    """With --atomic, one bad line refuses the file and nothing at all is written."""
    text = _broken_archive(rich_archive)
    wipe()
    _, err, error = run_import(write(tmp_path, text), "--atomic")
    assert error is not None and "rien n'a été écrit" in str(error)
    assert "ligne 3 : JSON invalide" in err
    assert not Article.objects.exists() and not Company.objects.exists()


def test_atomic_rolls_back_on_a_database_error(rich_archive, tmp_path, monkeypatch):
    """With --atomic, a write failure on a late line undoes the lines already written."""
    path = write(tmp_path, export_text())
    wipe()
    real = services.article_record_slug

    def failing(*, article, previous_slug):
        if article.slug == "z-zero":
            raise DatabaseError("panne simulée")
        return real(article=article, previous_slug=previous_slug)

    monkeypatch.setattr(archive.services, "article_record_slug", failing)
    _, err, error = run_import(path, "--atomic")
    assert error is not None
    assert "panne simulée" in err
    assert not Article.objects.exists() and not Company.objects.exists()


def test_a_failing_article_is_not_half_written(rich_archive, tmp_path, monkeypatch):
    """Without --atomic, an article whose write fails midway leaves no trace; the others import."""
    path = write(tmp_path, export_text())
    wipe()
    real = services.article_record_slug

    def failing(*, article, previous_slug):
        if article.slug == "a-accord":
            raise DatabaseError("panne simulée")
        return real(article=article, previous_slug=previous_slug)

    monkeypatch.setattr(archive.services, "article_record_slug", failing)
    _, err, error = run_import(path)
    assert error is not None and "panne simulée" in err
    assert not Article.objects.filter(slug="a-accord").exists()
    assert not Section.objects.filter(article__slug="a-accord").exists()
    assert set(Article.objects.values_list("slug", flat=True)) == {"ab-brouillon", "abc-programme", "z-zero"}
    # The draft linked to the missing article: its link is kept, unfinished, and reported.
    link = RelatedLink.objects.get(article__slug="ab-brouillon")
    assert link.is_unfinished and link.title == "Titre choisi"
    assert "« a-accord » introuvable" in err


def test_non_utf8_file_gets_a_clear_message(tmp_path):
    """A file in another encoding is refused with a sentence about UTF-8, not a traceback."""
    path = write(tmp_path, "Entreprise;Société\n".encode("latin-1"))
    _, _, error = run_import(path)
    assert error is not None and "UTF-8" in str(error)


def test_non_utf8_line_is_reported_and_skipped(rich_archive, tmp_path):
    """One line in another encoding inside an archive is reported with its number and skipped."""
    data = export_text().encode("utf-8") + '{"type":"company","name":"Télé"}\n'.encode("latin-1")
    wipe()
    _, err, error = run_import(write(tmp_path, data))
    assert error is not None
    assert "ligne 9 : texte non UTF-8" in err
    assert Article.objects.count() == 4


def test_file_that_is_not_an_archive_is_refused(tmp_path):
    """A JSON Lines file without the archive header is refused as a whole."""
    _, _, error = run_import(write(tmp_path, '{"type":"article","slug":"x"}\n'))
    assert error is not None and "en-tête manquant" in str(error)
    _, _, error = run_import(write(tmp_path, ""))
    assert error is not None and "fichier vide" in str(error)
    _, _, error = run_import(tmp_path / "absent.jsonl")
    assert error is not None and "fichier introuvable" in str(error)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "pas un slug"}, "« slug » n'est pas un slug valide"),
        ({"title": ""}, "« title » est obligatoire"),
        ({"title": "x" * 256}, "« title » dépasse 255 caractères"),
        ({"published_at": None}, "« published_at » est obligatoire"),
        ({"created_at": "hier"}, "n'est pas une date ISO 8601"),
        ({"sections": [{"position": 1}, {"position": 1}]}, "position 1 en double"),
        ({"related": [{"position": 1, "target": "z-zero", "url": "https://a.fr"}]}, "pas les deux"),
        ({"related": [{"position": 1, "url": "javascript:alert(1)"}]}, "adresse http(s) valide"),
        ({"related": [{"position": 1, "target": "a-accord"}]}, "vers lui-même"),
        ({"standfirst": "nul\x00"}, "caractère nul"),
        ({"companies": [{"name": "X", "slug": "x", "aliases": ["A", "a"]}]}, "alias en double"),
    ],
)
def test_invalid_article_records_are_refused_with_a_reason(rich_archive, tmp_path, change, message):
    """Each kind of invalid value is named in the report and the line is not written."""
    lines = export_text().split("\n")
    index = next(i for i, line in enumerate(lines) if '"slug":"a-accord"' in line)
    record = json.loads(lines[index])
    record.update(change)
    lines[index] = json.dumps(record, ensure_ascii=False)
    wipe()
    _, err, error = run_import(write(tmp_path, "\n".join(lines)))
    assert error is not None
    assert f"ligne {index + 1} : " in err and message in err
    assert not Article.objects.filter(slug="a-accord").exists()


def test_import_refreshes_each_article_once_after_its_links(rich_archive, tmp_path, monkeypatch):
    """Search and cache are refreshed once per imported article, not once per pass."""
    path = write(tmp_path, export_text())
    wipe()
    refreshed = []
    monkeypatch.setattr(archive.services, "refresh_after_commit", lambda ids: refreshed.extend(ids))
    run_import(path)
    assert sorted(refreshed) == sorted(Article.objects.values_list("pk", flat=True))
