"""``manage.py setup_roles``: (re)create the Contributeurs and Éditeurs groups."""

from django.core.management.base import BaseCommand

from articles.roles import ROLES, ensure_roles


class Command(BaseCommand):
    help = "Crée ou met à jour les groupes Contributeurs et Éditeurs avec leurs permissions."

    def handle(self, *args, **options):
        ensure_roles()
        for name, permissions in ROLES.items():
            self.stdout.write(f"{name} : {len(permissions)} permissions.")
