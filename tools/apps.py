from django.apps import AppConfig


class ToolsConfig(AppConfig):
    """Build-time commands: fixtures from the research notes, synthetic data for the benchmark.

    No models, views or URLs; nothing here runs while the site serves a page.
    """

    name = "tools"
    verbose_name = "Build tools"
