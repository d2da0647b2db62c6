from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Immigrant public-safety practices: curation")
admin.site.site_title = _("Practices directory admin")
admin.site.index_title = _("Curate the directory")

urlpatterns = [
    path("admin/", admin.site.urls),
]
