from django.apps import AppConfig


class CompareConfig(AppConfig):
    """Two to four practices side by side at /compare/. Imports the content apps; none imports it."""

    name = "compare"
    verbose_name = "Compare practices"
