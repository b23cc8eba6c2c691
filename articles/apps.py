from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Archive")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .roles import ensure_roles_after_migrate

        # The Contributeurs and Éditeurs groups exist in every migrated database (articles.roles).
        post_migrate.connect(ensure_roles_after_migrate, sender=self, dispatch_uid="articles.ensure_roles")
