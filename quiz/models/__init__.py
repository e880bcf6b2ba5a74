from .exposure import GoldExposure
from .quizzes import Answer, Assignment, Attempt, AttemptItem, Certification, Quiz, QuizItem

__all__ = [
    "Answer",
    "Assignment",
    "Attempt",
    "AttemptItem",
    "Certification",
    "GoldExposure",
    "Quiz",
    "QuizItem",
]
