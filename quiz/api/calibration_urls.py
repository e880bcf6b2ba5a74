from django.urls import path

from . import calibration

urlpatterns = [
    path("rounds/", calibration.RoundListApi.as_view(), name="api-round-list"),
    path("rounds/<int:pk>/", calibration.RoundDetailApi.as_view(), name="api-round-detail"),
    path("rounds/<int:pk>/close/", calibration.RoundCloseApi.as_view(), name="api-round-close"),
    path("rounds/<int:pk>/answers/", calibration.RoundAnswersApi.as_view(), name="api-round-answers"),
    path("rounds/<int:pk>/figures/", calibration.RoundFiguresApi.as_view(), name="api-round-figures"),
    path("teams/<int:pk>/trend/", calibration.TeamTrendApi.as_view(), name="api-team-trend"),
    path("contested/", calibration.ContestedApi.as_view(), name="api-contested"),
]
