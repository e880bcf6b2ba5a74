from .calibration import CalibrationRound, DiscussionNote, RoundItem
from .quizzes import Answer, Assignment, Attempt, AttemptItem, Certification, Quiz, QuizItem

__all__ = [
    "Answer",
    "Assignment",
    "Attempt",
    "AttemptItem",
    "CalibrationRound",
    "Certification",
    "DiscussionNote",
    "Quiz",
    "QuizItem",
    "RoundItem",
]

from .calibration import AgreementSnapshot, DriftAlert, Granularity, ReviewerSnapshot

__all__ += ["AgreementSnapshot", "DriftAlert", "Granularity", "ReviewerSnapshot"]
