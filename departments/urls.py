from django.urls import path

from . import views

app_name = "departments"

urlpatterns = [
    path("departments/", views.department_list, name="list"),
    path("departments/<slug:slug>/", views.department_detail, name="detail"),
]
