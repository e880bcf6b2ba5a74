"""The shipped scenario bank and the demo data follow the content-safety writing rules.

The content guard is the product's own check; the link, handle, length and sentence rules are
checked here again with plain regular expressions, independently of the guard, so that a
regression in the guard cannot wave an unsafe text through. Each test lists every offender.
"""

from __future__ import annotations

import io
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models

from training.content_guard import check_text
from training.scenario_bank import read_bank

MAX_SCENARIO_LENGTH = 600
MIN_SENTENCES, MAX_SENTENCES = 2, 6

RESERVED_HOSTS = {"example.com", "example.org", "example.net"}
RESERVED_SUFFIXES = (".example.com", ".example.org", ".example.net", ".example", ".invalid", ".test")

# Links as a reader would take them: with a scheme, starting www., or a bare host with a path.
LINK = re.compile(
    r"(?:(?:[a-z][a-z0-9+.-]*)://|\bwww\.)(?P<host>[^\s/?#:@]+)"
    r"|\b(?P<bare>(?:[a-z0-9-]+\.)+[a-z]{2,})/",
    re.IGNORECASE,
)
# A handle is an @ not glued to a preceding word character (that would be an e-mail address).
HANDLE = re.compile(r"(?<![\w.])@([\w.]+)")
FICTIONAL_HANDLE = re.compile(r"user_\d+|[a-z]+(?:_[a-z]+)*")
# A sentence ends with . ! or ? (optionally closed by a quote or bracket) before a space and a
# capital, a digit, an @handle or a quote, or at the end of the text.
SENTENCE_END = re.compile(r"[.!?][\"')\]]?(?=\s+[A-Z0-9@\"'(]|\s*$)")


def _bank():
    entries, problems = read_bank([settings.CONCORDANCE["SCENARIO_BANK_DIR"]])
    assert problems == [], "\n".join(str(problem) for problem in problems)
    return entries


BANK = _bank()


def _texts_of(entry) -> dict[str, str]:
    return {"title": entry.title, "text": entry.text}


def host_is_reserved(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host in RESERVED_HOSTS or host.endswith(RESERVED_SUFFIXES)


def unreserved_links(text: str) -> list[str]:
    # Punctuation that ends the sentence is not part of the host.
    hosts = [(match.group("host") or match.group("bare")).rstrip(".,;:!?)]'\"") for match in LINK.finditer(text)]
    return [host for host in hosts if not host_is_reserved(host)]


def unfictional_handles(text: str) -> list[str]:
    return [f"@{handle}" for handle in HANDLE.findall(text) if not FICTIONAL_HANDLE.fullmatch(handle.rstrip("."))]


def sentence_count(text: str) -> int:
    return len(SENTENCE_END.findall(text.strip()))


# --- The helpers themselves ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see https://files.example/share/9 now", []),
        ("see https://cdn.example.com/a and http://x.invalid/ and www.example.org", []),
        ("see https://realsite.com/a", ["realsite.com"]),
        ("see realsite.net/folder", ["realsite.net"]),
        ("see https://example.com.evil.io/x", ["example.com.evil.io"]),
        ("mail someone@example.com", []),
        ("posted at https://talk.example.com, then deleted", []),
    ],
)
def test_the_link_check_tells_reserved_hosts_from_real_ones(text, expected):
    assert unreserved_links(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@user_4821 posts", []),
        ("a reply from @quiet_reader.", []),
        ("@JohnSmith posts", ["@JohnSmith"]),
        ("@user4821 posts", ["@user4821"]),
        ("write to someone@example.com", []),
    ],
)
def test_the_handle_check_accepts_only_fictional_looking_handles(text, expected):
    assert unfictional_handles(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", 2),
        ("A user at https://files.example/a.b posts. The post asks @user_12 for more. Is it allowed?", 3),
        ('He writes "stop." Then leaves.', 2),
        ("No full stop at the end", 0),
    ],
)
def test_sentences_are_counted_as_a_reader_would(text, expected):
    assert sentence_count(text) == expected


# --- The shipped bank ----------------------------------------------------------------------------


def test_the_bank_is_not_empty():
    assert len(BANK) >= 50


def test_every_scenario_title_and_text_passes_the_content_guard():
    offenders = [
        f"{entry.key} {field}: {violation.code} {violation.span!r}"
        for entry in BANK
        for field, text in _texts_of(entry).items()
        for violation in check_text(text)
    ]
    assert offenders == [], "\n".join(offenders)


def test_every_link_in_the_bank_uses_a_reserved_domain():
    offenders = [
        f"{entry.key} {field}: {host}"
        for entry in BANK
        for field, text in _texts_of(entry).items()
        for host in unreserved_links(text)
    ]
    assert offenders == [], "\n".join(offenders)


def test_every_handle_in_the_bank_looks_fictional():
    offenders = [
        f"{entry.key} {field}: {handle}"
        for entry in BANK
        for field, text in _texts_of(entry).items()
        for handle in unfictional_handles(text)
    ]
    assert offenders == [], "\n".join(offenders)


def test_no_scenario_text_is_longer_than_600_characters():
    offenders = [
        f"{entry.key}: {len(entry.text)} characters" for entry in BANK if len(entry.text) > MAX_SCENARIO_LENGTH
    ]
    assert offenders == [], "\n".join(offenders)


def test_every_scenario_text_has_two_to_six_sentences():
    offenders = [
        f"{entry.key}: {count} sentences: {entry.text!r}"
        for entry in BANK
        if not MIN_SENTENCES <= (count := sentence_count(entry.text)) <= MAX_SENTENCES
    ]
    assert offenders == [], "\n".join(offenders)


# --- The demo data -------------------------------------------------------------------------------


def _demo_texts() -> list[tuple[str, str]]:
    """Every free-text value the demo writes: (model.field #pk, text)."""
    texts = []
    for app_label in ("accounts", "training", "quiz"):
        for model in apps.get_app_config(app_label).get_models():
            fields = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField)
                and not field.choices
                and field.name not in {"password", "username", "key", "version", "policy", "history_change_reason"}
            ]
            if not fields:
                continue
            for row in model.objects.values("pk", *fields):
                for name in fields:
                    if row[name]:
                        texts.append((f"{model.__name__}.{name} #{row['pk']}", row[name]))
    return texts


@pytest.mark.django_db
def test_every_text_the_demo_loads_passes_the_content_guard_and_the_link_and_handle_rules():
    call_command("load_demo", stdout=io.StringIO())
    texts = _demo_texts()

    offenders = [f"{where}: {v.code} {v.span!r}" for where, text in texts for v in check_text(text)]
    offenders += [f"{where}: link to {host}" for where, text in texts for host in unreserved_links(text)]
    offenders += [f"{where}: handle {handle}" for where, text in texts for handle in unfictional_handles(text)]
    assert len(texts) > 100
    assert offenders == [], "\n".join(offenders)


# --- No giveaways ----------------------------------------------------------------------------------

# Trainees read a scenario's title and text before they answer, so neither may state or hint the
# verdict, the clause, the rule, the enforcement action or the reporting route. Case-insensitive.
GIVEAWAY_PATTERNS = (
    r"\b[VBP][1-8]\b",  # clause ids
    r"this clause",
    r"the clause",
    r"falls? under",
    r"under review",
    r"is enough",
    r"decides?\b",
    r"what matters",
    r"no defen[cs]e",
    r"lenient",
    r"permanent(ly)? suspen",
    r"temporary lock",
    r"NCMEC",
    r"INHOPE",
    r"CyberTipline",
    r"law enforcement",
    r"report form",
    r"in-product form",
    r"is permitted",
    r"not permitted",
    r"permissible",
    r"violates",
    r"still violat",
    r"violating content",
    r"is a violation",
    r"exception",
    r"is covered",
    r"counts? as",
    r"count in the same way",
    r"does not change the outcome",
    r"does not apply",
    r"does not matter",
    r"prohibited",
    r"first offence",
    r"is (the|a) behaviour",
    r"loses its protection",
    r"is reportable",
)


def test_no_scenario_title_or_text_gives_the_answer_away():
    patterns = [re.compile(pattern, re.IGNORECASE) for pattern in GIVEAWAY_PATTERNS]
    offenders = [
        f"{entry.key} {field}: {match.group(0)!r}"
        for entry in BANK
        for field, text in _texts_of(entry).items()
        for pattern in patterns
        for match in pattern.finditer(text)
    ]
    assert offenders == [], "\n".join(offenders)
