from django.urls import path

from analytics import api

urlpatterns = [
    path("teams/<int:pk>/trend/", api.TeamTrendApi.as_view(), name="api-team-trend"),
    path("contested/", api.ContestedApi.as_view(), name="api-contested"),
]
