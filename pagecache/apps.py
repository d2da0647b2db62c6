from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "Public page cache"

    def ready(self):
        from .triggers import install_triggers

        # After every migrate (and flush): tables may have been created or rebuilt, which drops
        # their triggers on SQLite, so (re)install one on every table of the public content.
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="pagecache_install_triggers")
