from django.urls import path

from calibration import api

urlpatterns = [
    path("rounds/", api.RoundListApi.as_view(), name="api-round-list"),
    path("rounds/<int:pk>/", api.RoundDetailApi.as_view(), name="api-round-detail"),
    path("rounds/<int:pk>/close/", api.RoundCloseApi.as_view(), name="api-round-close"),
    path("rounds/<int:pk>/answers/", api.RoundAnswersApi.as_view(), name="api-round-answers"),
    path("rounds/<int:pk>/figures/", api.RoundFiguresApi.as_view(), name="api-round-figures"),
]
