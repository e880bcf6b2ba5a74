from .calibration import (
    AGREEMENT_FIGURE_FIELDS,
    AgreementSnapshot,
    CalibrationRound,
    DiscussionNote,
    DriftAlert,
    Granularity,
    ReviewerSnapshot,
    RoundItem,
)
from .exposure import GoldExposure
from .figures import ReviewerStanding, ScenarioFigures
from .quizzes import Answer, Assignment, Attempt, AttemptItem, Certification, Quiz, QuizItem

__all__ = [
    "AGREEMENT_FIGURE_FIELDS",
    "AgreementSnapshot",
    "Answer",
    "Assignment",
    "Attempt",
    "AttemptItem",
    "CalibrationRound",
    "Certification",
    "DiscussionNote",
    "DriftAlert",
    "GoldExposure",
    "Granularity",
    "Quiz",
    "QuizItem",
    "ReviewerSnapshot",
    "ReviewerStanding",
    "RoundItem",
    "ScenarioFigures",
]
