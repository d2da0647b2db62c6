from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config import views as site_views
from practices import views as practice_views

admin.site.site_header = _("Immigrant public-safety practices: curation")
admin.site.site_title = _("Practices directory admin")
admin.site.index_title = _("Curate the directory")

urlpatterns = [
    path("", practice_views.home, name="home"),
    path("about/", practice_views.about, name="about"),
    path("", include("practices.urls")),
    path("", include("departments.urls")),
    path("", include("statelaw.urls")),
    path("", include("planning.urls")),
    path("", include("corrections.urls")),
    path("", include("compare.urls")),
    path("", include("opendata.urls")),
    path("", include("api.urls")),
    path("admin/", admin.site.urls),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
]

handler400 = "config.views.bad_request"
