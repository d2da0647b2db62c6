from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("practices/", views.practice_list, name="list"),
    path("practices/<slug:slug>/", views.practice_detail, name="detail"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("glossary/", views.glossary, name="glossary"),
]
