from django.urls import path

from . import views

app_name = "statelaw"

urlpatterns = [
    path("states/", views.state_list, name="list"),
    path("states/<str:code>/", views.state_detail, name="detail"),
]
