from quiz.urls.quizzes import urlpatterns

app_name = "quiz"

__all__ = ["app_name", "urlpatterns"]
