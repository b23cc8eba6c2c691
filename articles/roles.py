"""The newsroom's two roles, as Django groups: contributors draft, editors decide what goes live.

``ensure_roles()`` creates or updates both groups with exactly the permissions listed here.
It runs after every ``migrate`` (post_migrate, see ``articles.apps``), so a fresh database has
them, and ``manage.py setup_roles`` runs it on demand. Give an account a role by adding it to
a group in the admin (Utilisateurs → groupes) and ticking "statut équipe".
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

CONTRIBUTORS = "Contributeurs"
EDITORS = "Éditeurs"

# app_label.codename. Contributors write and edit drafts (with their sections and links) and
# pick companies; they cannot publish, delete an article, or change the company list.
CONTRIBUTOR_PERMISSIONS = [
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.add_section",
    "articles.change_section",
    "articles.delete_section",
    "articles.view_section",
    "articles.add_relatedlink",
    "articles.change_relatedlink",
    "articles.delete_relatedlink",
    "articles.view_relatedlink",
    "articles.view_company",
    "articles.view_companyalias",
]

# Editors also publish, unpublish and schedule, delete articles, and run the company list
# (create, rename, merge, delete) and the old addresses.
EDITOR_PERMISSIONS = [
    *CONTRIBUTOR_PERMISSIONS,
    "articles.publish_article",
    "articles.delete_article",
    "articles.add_company",
    "articles.change_company",
    "articles.delete_company",
    "articles.add_companyalias",
    "articles.change_companyalias",
    "articles.delete_companyalias",
    "articles.view_articleslugredirect",
    "articles.change_articleslugredirect",
    "articles.delete_articleslugredirect",
    "articles.view_companyslugredirect",
    "articles.change_companyslugredirect",
    "articles.delete_companyslugredirect",
]

ROLES = {CONTRIBUTORS: CONTRIBUTOR_PERMISSIONS, EDITORS: EDITOR_PERMISSIONS}


def _permissions(names: list[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = [
        perm
        for perm in Permission.objects.filter(content_type__app_label__in={app for app, _ in wanted}).select_related(
            "content_type"
        )
        if (perm.content_type.app_label, perm.codename) in wanted
    ]
    missing = wanted - {(perm.content_type.app_label, perm.codename) for perm in found}
    if missing:
        raise LookupError(f"Unknown permissions: {sorted(missing)}")
    return found


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    """Create both groups if needed and set their permissions to exactly the lists above."""
    groups = {}
    for name, permission_names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(permission_names))
        groups[name] = group
    return groups


def ensure_roles_after_migrate(sender, app_config=None, using="default", **kwargs):
    """post_migrate receiver: permissions exist once auth and articles have migrated."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    # Permissions are created by auth's own post_migrate receiver, which may run after this
    # one: create them first (idempotent) so the groups can reference them.
    create_contenttypes(app_config, verbosity=0, using=using)
    create_permissions(app_config, verbosity=0, using=using)
    ensure_roles()
