from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Practices and recommendations")

    def ready(self):
        from . import search, search_text

        search_text.connect()
        # SQLite drops a table's triggers when a migration rebuilds the table: put them back after every migrate.
        post_migrate.connect(search.ensure_sqlite_index, sender=self, dispatch_uid="practices.ensure_sqlite_index")
