"""The REST API: each app contributes its routes here (training.api, quiz.api)."""

urlpatterns: list = []
