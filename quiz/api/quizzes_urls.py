from django.urls import path

from quiz.api import quizzes

urlpatterns = [
    path("quizzes/", quizzes.QuizListApi.as_view(), name="api-quiz-list"),
    path("attempts/", quizzes.AttemptStartApi.as_view(), name="api-attempt-start"),
    path("attempts/<int:pk>/", quizzes.AttemptDetailApi.as_view(), name="api-attempt-detail"),
    path("attempts/<int:pk>/answers/", quizzes.AnswerApi.as_view(), name="api-attempt-answer"),
    path("attempts/<int:pk>/submit/", quizzes.SubmitApi.as_view(), name="api-attempt-submit"),
    path("attempts/<int:pk>/results/", quizzes.ResultsApi.as_view(), name="api-attempt-results"),
    path("assignments/", quizzes.AssignmentCreateApi.as_view(), name="api-assignment-create"),
]
