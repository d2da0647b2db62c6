from django.urls import path

from . import views

app_name = "corrections"

urlpatterns = [
    path("corrections/new/", views.suggest_correction, name="new"),
]
