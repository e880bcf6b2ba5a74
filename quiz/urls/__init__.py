from .calibration import urlpatterns as calibration_urlpatterns
from .quizzes import urlpatterns as quiz_urlpatterns

app_name = "quiz"

urlpatterns = quiz_urlpatterns + calibration_urlpatterns
