from django.urls import path

from quiz.views import quizzes

urlpatterns = [
    path("me/", quizzes.trainee_home, name="trainee-home"),
    path("me/history/", quizzes.history, name="history"),
    path("quizzes/<int:pk>/start/", quizzes.quiz_start, name="quiz-start"),
    path("attempts/<int:pk>/", quizzes.attempt_take, name="attempt-take"),
    path("attempts/<int:pk>/submit/", quizzes.attempt_submit_view, name="attempt-submit"),
    path("attempts/<int:pk>/results/", quizzes.attempt_results, name="attempt-results"),
    path("lead/assignments/", quizzes.lead_assignments, name="lead-assignments"),
    path("lead/quizzes/new/", quizzes.quiz_create_view, name="quiz-create"),
    path("lead/quizzes/<int:pk>/archive/", quizzes.quiz_archive_view, name="quiz-archive"),
]
