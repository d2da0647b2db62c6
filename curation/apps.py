from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CurationConfig(AppConfig):
    """What every content app shares: versions, field rules, the admin base, spreadsheets, history, roles."""

    name = "curation"
    verbose_name = "Curation"

    def ready(self):
        from .roles import sync_curator_group

        # After every app's migrations: the group follows the permissions of each curated app as they appear.
        post_migrate.connect(sync_curator_group, dispatch_uid="curation.sync_curator_group")
