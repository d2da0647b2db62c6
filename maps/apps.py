from django.apps import AppConfig


class MapsConfig(AppConfig):
    """The directory on a map of the United States, drawn by the server as inline SVG.

    Imports the content apps; none of them imports this one (their templates load its tag).
    """

    name = "maps"
    verbose_name = "Maps"
