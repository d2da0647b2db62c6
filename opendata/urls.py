from django.urls import path

from . import feeds, sitemaps, views

app_name = "opendata"

urlpatterns = [
    path("data/", views.data, name="data"),
    path("feed/", feeds.feed, name="feed"),
    path("sitemap.xml", sitemaps.sitemap_xml, name="sitemap"),
    path("practices/<slug:slug>/cite/", views.practice_citation, {"part": "entry"}, name="cite_practice"),
    path("practices/<slug:slug>/sources/", views.practice_citation, {"part": "sources"}, name="practice_sources"),
    path("data/<slug:name>/", views.download, name="download"),
    path("data/releases/<str:filename>", views.release_file, name="release_file"),
]
