from django.urls import include, path
from django.views.generic import RedirectView

from pagecache.middleware import cache_public_page

from . import docs
from .views import api

api_patterns, api_app, api_namespace = api.urls
# Every answer is public and the same for everyone: cached, and revalidated by ETag, like the pages.
for pattern in api_patterns:
    cache_public_page(pattern.callback)

urlpatterns = [
    path("api/", docs.api_docs, name="api_docs"),
    # The base address itself names no endpoint: someone who types it gets the reference.
    path("api/v1/", RedirectView.as_view(pattern_name="api_docs")),
    path("api/v1/", include((api_patterns, api_app), namespace=api_namespace)),
]
