from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Practices and recommendations")

    def ready(self):
        from .roles import sync_curator_group

        # After this app's migrations, when the permissions of sources, departments and practices exist.
        post_migrate.connect(sync_curator_group, sender=self, dispatch_uid="practices.sync_curator_group")
