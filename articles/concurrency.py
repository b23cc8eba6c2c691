"""No lost edits: optimistic concurrency for articles edited in the admin.

The change form carries the version the editor loaded (``Article.version``, bumped by every
save, publication and merge) and a signed snapshot of what was on screen. On save, the
article row is locked (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE
transactions already serialise writers) and, if its version moved on meanwhile, the save is
refused with the list of what changed in between, computed by comparing the snapshot with
the database. The check and the write share the admin's transaction, so no other save can
slip between them.
"""

from datetime import datetime
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import connection
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import Article

SNAPSHOT_SALT = "articles.concurrency.snapshot"

FIELD_LABELS = {
    "title": "titre",
    "slug": "adresse (slug)",
    "standfirst": "chapô",
    "byline": "signature",
    "status": "statut",
    "published_at": "date de publication",
}


def article_snapshot(article: Article) -> dict[str, Any]:
    """What an editor sees of ``article``: fields, sections, links and companies, JSON-ready."""
    fields = {name: getattr(article, name) for name in FIELD_LABELS}
    if isinstance(fields["published_at"], datetime):
        fields["published_at"] = fields["published_at"].isoformat()
    return {
        "fields": fields,
        "sections": {
            str(s.pk): {"position": s.position, "heading": s.heading, "body": s.body}
            for s in article.sections.order_by("position", "id")
        },
        "links": {
            str(link.pk): {"position": link.position, "title": link.title, "target": link.target_id, "url": link.url}
            for link in article.related_links.order_by("position", "id")
        },
        "companies": sorted(article.tagged_companies.values_list("tag__name", flat=True)),
    }


def sign_snapshot(snapshot: dict) -> str:
    return signing.dumps(snapshot, salt=SNAPSHOT_SALT, compress=True)


def unsign_snapshot(value: str) -> dict | None:
    """The snapshot the form was loaded with, or None if missing or tampered with."""
    if not value:
        return None
    try:
        return signing.loads(value, salt=SNAPSHOT_SALT)
    except signing.BadSignature:
        return None


def locked_version(article_pk: int) -> int | None:
    """The article's current version, its row locked until the surrounding transaction ends.

    Outside a transaction (a script using the form directly) there is nothing to hold the
    lock: the version is read plainly.
    """
    queryset = Article.objects.filter(pk=article_pk)
    if connection.in_atomic_block:
        queryset = queryset.select_for_update()
    return queryset.values_list("version", flat=True).first()


def _short(value) -> str:
    if value in (None, ""):
        return "(vide)"
    return "« " + Truncator(str(value)).chars(60) + " »"


def _section_name(section: dict) -> str:
    return _short(section["heading"]) if section["heading"] else "d'ouverture"


def describe_changes(before: dict, after: dict) -> list[str]:
    """French sentences listing what differs between two snapshots, fields first."""
    lines = []
    for name, label in FIELD_LABELS.items():
        old, new = before["fields"].get(name), after["fields"].get(name)
        if old != new:
            if name == "standfirst":
                lines.append(_("Chapô modifié."))
            else:
                lines.append(
                    _("%(label)s : %(old)s → %(new)s.")
                    % {"label": label.capitalize(), "old": _short(old), "new": _short(new)}
                )

    for key, kind_added, kind_removed, kind_changed, describe_item, labels in (
        (
            "sections",
            "Section ajoutée : %s.",
            "Section supprimée : %s.",
            "Section %(name)s : %(what)s modifié(e)(s).",
            _section_name,
            {"position": "position", "heading": "intertitre", "body": "texte"},
        ),
        (
            "links",
            "Lien « Pour aller plus loin » ajouté : %s.",
            "Lien « Pour aller plus loin » supprimé : %s.",
            "Lien %(name)s : %(what)s modifié(e)(s).",
            lambda link: _short(link["title"] or link["url"] or link["target"]),
            {"position": "position", "title": "titre", "target": "article lié", "url": "adresse"},
        ),
    ):
        old_items, new_items = before[key], after[key]
        for pk in new_items.keys() - old_items.keys():
            lines.append(kind_added % describe_item(new_items[pk]))
        for pk in old_items.keys() - new_items.keys():
            lines.append(kind_removed % describe_item(old_items[pk]))
        for pk in sorted(old_items.keys() & new_items.keys(), key=int):
            what = [label for attr, label in labels.items() if old_items[pk][attr] != new_items[pk][attr]]
            if what:
                lines.append(kind_changed % {"name": describe_item(old_items[pk]), "what": ", ".join(what)})

    added = sorted(set(after["companies"]) - set(before["companies"]))
    removed = sorted(set(before["companies"]) - set(after["companies"]))
    if added or removed:
        parts = []
        if added:
            parts.append("ajoutée(s) " + ", ".join(added))
        if removed:
            parts.append("retirée(s) " + ", ".join(removed))
        lines.append("Entreprises : " + " ; ".join(parts) + ".")
    return lines


def last_change_by(article: Article) -> str:
    """ "par Claire le 26 nov. 2026 à 10:42" from the admin history, or "" if none is recorded."""
    entry = (
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Article), object_id=str(article.pk))
        .select_related("user")
        .order_by("-action_time", "-id")
        .first()
    )
    if entry is None:
        return ""
    when = formats.date_format(timezone.localtime(entry.action_time), "j F Y à H:i")
    return _(" par %(user)s le %(when)s") % {"user": entry.user.get_username(), "when": when}


def conflict_messages(*, article: Article, loaded_version, current_version: int, loaded_state: str) -> list[str]:
    """The refusal shown to the editor whose save came second, and what the first one changed."""
    intro = _(
        "Cet article a été modifié%(by)s pendant que vous l'éditiez (version %(old)s → %(new)s). "
        "Vos modifications n'ont PAS été enregistrées, pour ne pas écraser les siennes."
    ) % {"by": last_change_by(article), "old": loaded_version or "?", "new": current_version}
    advice = _(
        "Ouvrez l'article dans un autre onglet pour voir la version actuelle, reportez-y vos "
        "modifications (elles sont encore affichées ici), puis enregistrez."
    )
    before = unsign_snapshot(loaded_state)
    if before is None:
        return [intro, advice]
    current = Article.objects.get(pk=article.pk)
    changes = describe_changes(before, article_snapshot(current))
    if not changes:
        changes = [_("Aucune différence visible : seule la version a changé (publication, fusion d'entreprises…).")]
    return [intro, _("Modifié entre-temps :"), *changes, advice]
