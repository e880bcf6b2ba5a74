"""How usernames are compared: one rule for storing, logging in and counting failed log-ins."""

from __future__ import annotations

import unicodedata


def username_normalise(username: str) -> str:
    """A username as it is stored and compared: NFKC-normalised, case-folded, without surrounding
    spaces (so ``Fatima``, and ``FATIMA`` typed in full-width letters, are ``fatima``)."""
    folded = unicodedata.normalize("NFKC", username).casefold()
    return unicodedata.normalize("NFKC", folded).strip()
