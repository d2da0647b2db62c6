from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("data/<slug:name>/", views.download, name="download"),
]
