"""The content guard: refuse unsafe scenario text and name the offending span. Pure, no Django.

Every write path (admin, forms, API, import) calls `check_text` or `assert_safe` before saving any
scenario text (titles, bodies, rationales, notes). It enforces the mechanical part of the
scenario-writing rules in DEVELOPERS.md; human reviewers enforce the rest.

Rules, one violation code each:

- ``link_domain``: a link (``scheme://…``, ``www.…``, or a bare ``name.tld/path`` with a common real
  top-level domain) whose host is not reserved (RFC 2606 / 6761): ``example.com``, ``example.org``,
  ``example.net`` and their subdomains, or any host ending in ``.example``, ``.invalid``, ``.test``,
  ``.localhost``. The host is the one a browser would visit: ``https://example.com@real.tld/`` goes to
  ``real.tld``; a reserved link that carries another link in its query (even percent-encoded) is
  refused too. Defanged forms (``hxxp://``, ``name[.]com``) count as links. Bare mentions need a TLD
  from ``_BARE_TLDS``; TLDs that are mostly file extensions (``.zip``, ``.mov``, ``.py``, ``.md``) or
  English words (``.it``, ``.is``, ``.in``, ``.at``…) are left out, and "end.Com" (a sentence missing
  its space) is not taken for a domain.
- ``markup``: HTML/XML tags, comments and declarations, HTML entities (``&lt;script&gt;`` is reported
  as one span), Markdown links and images, link reference definitions, BBCode link/media tags,
  ``javascript:``/``data:`` URIs. A lone ``<`` (``age < 18``) is plain text.
- ``email``: an address whose domain is not reserved (``someone@example.com`` is fine).
- ``phone``: 7 or more digits written as a phone number (``+``, spaces, dashes, dots, parentheses),
  except the fictional North American range 555-0100…555-0199, with or without area code. Not
  phones: dates (``2021-03-14``, ``14.03.2021``), year ranges (``2019-2021``), decimals, IPv4
  addresses, digits glued to letters or an underscore (``@user_4821``, hashes), and a plain run of
  digits labelled as an identifier (``ticket 4821937``, ``#4821937``, ``ID 4821937``). Known
  false positives, accepted: dotted/space-grouped thousands (``1.234.567``) and long version numbers.
- ``too_long``: more than ``max_length`` characters; the span is the excess.
- ``explicit_term``: a word from ``training/data/explicit_terms.txt`` (or the ``terms`` given), see
  `_TermMatcher` for what counts as a match.
- ``control_chars``: control characters other than tab/newline/carriage return, and invisible
  characters used to hide text from filters: zero-width and bidirectional-override characters, soft
  hyphen, byte-order mark, tag characters, Hangul fillers, stray variation selectors. A single
  emoji-presentation selector (U+FE0E/U+FE0F) after a visible character is allowed.

Detection runs on a "shadow" of the text (NFKC, case-folded, decimal digits made ASCII, invisible
characters removed) that remembers where each of its characters came from, so full-width letters,
mathematical alphanumerics and zero-width splitting do not evade the rules while every reported
span is an exact slice of the original text: ``violation.span == text[violation.start:violation.end]``.
"""

from __future__ import annotations

import functools
import html.entities
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

__all__ = [
    "EXPLICIT_TERMS_FILE",
    "ContentGuardError",
    "GuardViolation",
    "assert_safe",
    "check_text",
    "load_explicit_terms",
]

EXPLICIT_TERMS_FILE = Path(__file__).resolve().parent / "data" / "explicit_terms.txt"

DEFAULT_MAX_LENGTH = 2000

LINK_DOMAIN = "link_domain"
MARKUP = "markup"
EMAIL = "email"
PHONE = "phone"
TOO_LONG = "too_long"
EXPLICIT_TERM = "explicit_term"
CONTROL_CHARS = "control_chars"


@dataclass(frozen=True)
class GuardViolation:
    code: str
    message: str
    start: int
    end: int
    span: str


class ContentGuardError(ValueError):
    """Raised by `assert_safe`; ``violations`` holds every problem found, in text order."""

    def __init__(self, violations: Iterable[GuardViolation]):
        self.violations: tuple[GuardViolation, ...] = tuple(violations)
        super().__init__(" ".join(violation.message for violation in self.violations))


def check_text(
    text: str,
    *,
    max_length: int = DEFAULT_MAX_LENGTH,
    terms: Iterable[str] | None = None,
) -> list[GuardViolation]:
    """Every violation in ``text``, sorted by start offset. An empty list means the text is safe.

    ``terms`` replaces the maintained explicit vocabulary (`load_explicit_terms`) when given.
    """
    if not isinstance(text, str):
        raise TypeError(f"check_text() expects a str, not {type(text).__name__}")
    if max_length < 0:
        raise ValueError("max_length must not be negative")
    if isinstance(terms, str):
        raise TypeError("terms must be a collection of terms, not a single string")
    matcher = _default_matcher() if terms is None else _matcher_for(frozenset(terms))

    violations = _control_char_violations(text)
    if len(text) > max_length:
        violations.append(_too_long(text, max_length))
    base = _Shadow.of(text)
    claimed = bytearray(len(text))  # original offsets already explained by a link or an e-mail address
    violations += _link_and_email_violations(text, base.rewrite(_DEFANGED, _undefang), claimed)
    markup = _markup_violations(text, base)
    for violation in markup:
        claimed[violation.start : violation.end] = b"\x01" * (violation.end - violation.start)
    violations += markup
    violations += _phone_violations(text, base, claimed)
    violations += _term_violations(text, base, matcher)
    violations.sort(key=lambda violation: (violation.start, violation.end, violation.code))
    return violations


def assert_safe(text: str, **kwargs) -> None:
    """Raise `ContentGuardError` listing every violation in ``text``; return None when it is safe."""
    violations = check_text(text, **kwargs)
    if violations:
        raise ContentGuardError(violations)


@functools.cache
def load_explicit_terms() -> frozenset[str]:
    """The maintained explicit vocabulary: one lowercase term a line, ``#`` starts a comment."""
    terms = set()
    for line in EXPLICIT_TERMS_FILE.read_text(encoding="utf-8").splitlines():
        term = " ".join(line.split("#", 1)[0].split()).lower()
        if term:
            terms.add(term)
    return frozenset(terms)


# --- Messages ---------------------------------------------------------------------------------

_RESERVED_ADVICE = "use a reserved domain such as example.com, example.org or *.example / *.invalid / *.test."


def _show(span: str, limit: int = 80) -> str:
    """The span as it can be quoted in a message: invisible characters spelled out, long spans cut."""
    shown = "".join(f"[U+{ord(char):04X}]" if _is_invisible(char) else char for char in span)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _violation(code: str, text: str, start: int, end: int, message: str) -> GuardViolation:
    return GuardViolation(code=code, message=message, start=start, end=end, span=text[start:end])


def _too_long(text: str, max_length: int) -> GuardViolation:
    excess = len(text) - max_length
    message = (
        f"Text is {len(text):,} characters long, {excess:,} over the limit of {max_length:,}: "
        f'shorten it (the excess starts with "{_show(text[max_length:], 40)}").'
    )
    return _violation(TOO_LONG, text, max_length, len(text), message)


# --- Invisible and control characters ---------------------------------------------------------

_VISIBLE_CONTROLS = frozenset("\t\n\r")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
# Invisible characters outside those categories: combining grapheme joiner, Hangul fillers, Khmer
# inherent vowels, Mongolian variation selectors, the blank Braille pattern.
_EXTRA_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0")
_PRESENTATION_SELECTORS = frozenset("\ufe0e\ufe0f")


@functools.lru_cache(maxsize=4096)
def _is_invisible(char: str) -> bool:
    if char in _VISIBLE_CONTROLS:
        return False
    if unicodedata.category(char) in _INVISIBLE_CATEGORIES or char in _EXTRA_INVISIBLE:
        return True
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF  # variation selectors


def _is_flagged_invisible(text: str, index: int) -> bool:
    char = text[index]
    if char in _PRESENTATION_SELECTORS and index > 0 and not _is_invisible(text[index - 1]):
        return False  # emoji or text presentation of the character before it
    return _is_invisible(char)


def _control_char_violations(text: str) -> list[GuardViolation]:
    violations = []
    index = 0
    while index < len(text):
        if not _is_flagged_invisible(text, index):
            index += 1
            continue
        start = index
        while index < len(text) and _is_flagged_invisible(text, index):
            index += 1
        characters = list(dict.fromkeys(text[start:index]))
        names = ", ".join(f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}" for char in characters[:3])
        if len(characters) > 3:
            names += f" and {len(characters) - 3} more"
        noun, verb = ("character", "is") if len(characters) == 1 else ("characters", "are")
        message = (
            f"Invisible or control {noun} {names} at offset {start} {verb} not allowed: "
            "such characters can hide or disguise text; remove them."
        )
        violations.append(_violation(CONTROL_CHARS, text, start, index, message))
    return violations


# --- The shadow text --------------------------------------------------------------------------


class _Shadow:
    """A normalised copy of the text; ``starts[i]:ends[i]`` is where its character ``i`` came from."""

    __slots__ = ("ends", "starts", "text")

    def __init__(self, text: str, starts: list[int], ends: list[int]):
        self.text = text
        self.starts = starts
        self.ends = ends

    @classmethod
    def of(cls, text: str) -> _Shadow:
        return cls._build(((index, index + 1, _fold(char)) for index, char in enumerate(text)))

    @classmethod
    def _build(cls, pieces: Iterable[tuple[int, int, str]]) -> _Shadow:
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for start, end, piece in pieces:
            chars.append(piece)
            starts.extend([start] * len(piece))
            ends.extend([end] * len(piece))
        return cls("".join(chars), starts, ends)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of the shadow slice ``start:end`` (not empty)."""
        return self.starts[start], self.ends[end - 1]

    def map_chars(self, transform: Callable[[str], str]) -> _Shadow:
        return self._build(
            (self.starts[index], self.ends[index], transform(char)) for index, char in enumerate(self.text)
        )

    def rewrite(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> _Shadow:
        """Replace each match of ``pattern``; the replacement covers the original of the whole match."""

        def pieces() -> Iterator[tuple[int, int, str]]:
            position = 0
            for match in pattern.finditer(self.text):
                start, end = match.span()
                for index in range(position, start):
                    yield self.starts[index], self.ends[index], self.text[index]
                if end > start:
                    yield self.starts[start], self.ends[end - 1], replace(match)
                position = end
            for index in range(position, len(self.text)):
                yield self.starts[index], self.ends[index], self.text[index]

        return self._build(pieces())


# Ideographic full stops separate domain labels in browsers (IDNA) just like ".".
_DOT_LIKE = {"\u3002": ".", "\uff61": "."}


@functools.lru_cache(maxsize=8192)
def _fold(char: str) -> str:
    if char.isascii():
        if char.isprintable() or char in _VISIBLE_CONTROLS:
            return char.lower()
        return " "  # ASCII control: acts as a separator
    if _is_invisible(char):
        return " " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else ""
    folded = unicodedata.normalize("NFKC", char).casefold()
    return "".join(
        str(unicodedata.decimal(piece)) if piece.isdecimal() else _DOT_LIKE.get(piece, piece) for piece in folded
    )


# --- Links and e-mail addresses ---------------------------------------------------------------

# Defanged notations read as what they stand for: "hxxps://", "name[.]com", "name (dot) com",
# "x[at]name.com", "[:]//".
_DEFANGED = re.compile(
    r"\bhxxp(?=s?(?:://|\[:\]))"
    r"|\s?[\[({]\s?(?:\.|dot)\s?[\])}]\s?"
    r"|\s?[\[({]\s?(?:@|at)\s?[\])}]\s?"
    r"|\[:\]"
)


def _undefang(match: re.Match[str]) -> str:
    found = match.group()
    if found == "hxxp":
        return "http"
    if found == "[:]":
        return ":"
    return "@" if "@" in found or "at" in found else "."


_RESERVED_SUFFIXES = (".example.com", ".example.org", ".example.net")
_RESERVED_HOSTS = frozenset({"example.com", "example.org", "example.net"})
_RESERVED_TLDS = frozenset({"example", "invalid", "test", "localhost"})


def _is_reserved(host: str) -> bool:
    host = host.rstrip(".")
    if not host.isascii():
        return False  # "ex\u0430mple.com", with a Cyrillic letter, is somebody's real domain
    return host in _RESERVED_HOSTS or host.endswith(_RESERVED_SUFFIXES) or host.rsplit(".", 1)[-1] in _RESERVED_TLDS


# Common real top-level domains recognised in a bare mention ("name.tld"). Links with a scheme or
# "www." are checked whatever their TLD. Left out on purpose: TLDs that are mostly file extensions
# (zip, mov, py, md, rs, sh, pl...) or English words (it, is, in, at, as, no, so, do, my, id, name, email).
# fmt: off
_BARE_TLDS = frozenset(
    (
        "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io", "co", "uk", "de", "ru", "xyz", "me",
        "tv", "cc", "onion", "i2p", "eu", "fr", "nl", "es", "jp", "cn", "br", "au", "ca", "ch", "se", "dk", "fi",
        "gr", "pt", "cz", "sk", "hu", "ro", "ua", "kz", "tr", "ir", "il", "vn", "th", "ph", "pk", "ng", "ke", "za",
        "mx", "ar", "cl", "nz", "ie", "kr", "hk", "tw", "sg", "us", "be", "to", "ly", "gg", "gl", "su", "ai", "vip",
        "pro", "app", "dev", "site", "online", "website", "top", "club", "shop", "store", "live", "link", "click",
        "cam", "porn", "sex", "xxx", "adult", "tk", "ml", "ga", "cf", "gq", "ws", "la", "li", "ag", "fm", "mobi",
        "asia", "tel", "page", "blog", "news", "space", "fun", "icu", "buzz", "cyou", "today", "world", "life",
        "tech", "win", "bid", "loan", "men", "stream", "download", "chat", "social", "media", "network", "cloud",
        "host", "lol", "wtf", "dating", "tube", "video", "webcam", "example", "invalid", "test", "localhost",
    )
)
# fmt: on

_LABEL = r"[^\W_](?:[\w-]{0,62}[^\W_])?"
_URL_TAIL = r"[^\s<>\"'`\[\]]*"
_SCHEME_URL = re.compile(rf"(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{{0,30}}://(?:\[[0-9a-f:.]*\])?{_URL_TAIL}")
_EMAIL_RE = re.compile(rf"(?<![\w.+%-])[\w.+%-]{{1,64}}@(?P<domain>(?:{_LABEL}\.)+[^\W\d_]{{2,63}})(?![\w-])")
_WWW_URL = re.compile(
    rf"(?<![\w.@-])(?P<host>www[0-9]{{0,3}}(?:\.{_LABEL})+)(?![\w-])(?P<rest>(?::[0-9]{{1,5}})?(?:[/?#]{_URL_TAIL})?)"
)
_BARE_URL = re.compile(
    rf"(?<![\w.@-])(?P<host>(?:{_LABEL}\.)+(?P<tld>"
    + "|".join(sorted(_BARE_TLDS, key=lambda tld: (-len(tld), tld)))
    + rf"))(?![\w-])(?P<rest>(?::[0-9]{{1,5}})?(?:[/?#]{_URL_TAIL})?)"
)
_BARE_IP_URL = re.compile(
    rf"(?<![\w.])(?P<host>[0-9]{{1,3}}(?:\.[0-9]{{1,3}}){{3}})(?P<rest>(?::[0-9]{{1,5}}(?:[/?#]{_URL_TAIL})?|[/?#]{_URL_TAIL}))"
)
_OPENERS = {")": "(", "]": "[", "}": "{"}


def _trim_url(url: str) -> str:
    """Drop trailing punctuation that belongs to the sentence, keeping balanced closing brackets."""
    while url:
        last = url[-1]
        unbalanced = last in _OPENERS and url.count(_OPENERS[last]) < url.count(last)
        if last not in ".,;:!?'\"*_~" and not unbalanced:
            break
        url = url[:-1]
    return url


def _split_url(url: str) -> tuple[str, str]:
    """The host a browser would visit for ``scheme://…`` and the rest after the authority."""
    rest = url.split("://", 1)[1].replace("\\", "/").lstrip("/")
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    host_and_port = authority.rpartition("@")[2]
    ipv6 = host_and_port.startswith("[")
    host = host_and_port.split("]", 1)[0] + "]" if ipv6 else host_and_port.split(":", 1)[0]
    return unquote(host).rstrip("."), rest[len(authority) :]


def _onward_target(rest: str) -> str | None:
    """A non-reserved host or address that the path or query of an allowed link leads on to."""
    decoded = unquote(unquote(rest)).casefold()
    for match in _SCHEME_URL.finditer(decoded):
        host, _ = _split_url(_trim_url(match.group()))
        if not _is_reserved(host):
            return host
    for pattern in (_WWW_URL, _BARE_URL):
        for match in pattern.finditer(decoded):
            if not _is_reserved(match.group("host")):
                return match.group("host")
    for match in _EMAIL_RE.finditer(decoded):
        if not _is_reserved(match.group("domain")):
            return match.group()
    return None


def _link_message(span: str, onward: str | None) -> str:
    if onward:
        return f'Link to "{_show(span)}" is not allowed: it leads on to "{_show(onward)}"; {_RESERVED_ADVICE}'
    return f'Link to "{_show(span)}" is not allowed: {_RESERVED_ADVICE}'


def _link_and_email_violations(text: str, shadow: _Shadow, claimed: bytearray) -> list[GuardViolation]:
    violations = []

    def claim(start: int, end: int) -> tuple[int, int] | None:
        """Original offsets of a shadow slice, unless an earlier link or address already covers it."""
        original_start, original_end = shadow.original(start, end)
        if any(claimed[original_start:original_end]):
            return None
        claimed[original_start:original_end] = b"\x01" * (original_end - original_start)
        return original_start, original_end

    for match in _SCHEME_URL.finditer(shadow.text):
        url = _trim_url(match.group())
        host, rest = _split_url(url)
        original = claim(match.start(), match.start() + len(url))
        onward = _onward_target(rest) if _is_reserved(host) else None
        if original and (onward or not _is_reserved(host)):
            violations.append(_violation(LINK_DOMAIN, text, *original, _link_message(text[slice(*original)], onward)))

    for match in _EMAIL_RE.finditer(shadow.text):
        original = claim(*match.span())
        if original and not _is_reserved(match.group("domain")):
            span = text[slice(*original)]
            message = (
                f'E-mail address "{_show(span)}" is not allowed: '
                "use an address at a reserved domain such as someone@example.com."
            )
            violations.append(_violation(EMAIL, text, *original, message))

    for pattern in (_WWW_URL, _BARE_URL, _BARE_IP_URL):
        for match in pattern.finditer(shadow.text):
            host = match.group("host")
            rest = _trim_url(match.group("rest"))
            if pattern is _BARE_URL and not rest and _looks_like_missing_space(text, shadow, match):
                continue
            original = claim(match.start(), match.end("host") + len(rest))
            onward = _onward_target(rest) if _is_reserved(host) else None
            if original and (onward or not _is_reserved(host)):
                message = _link_message(text[slice(*original)], onward)
                violations.append(_violation(LINK_DOMAIN, text, *original, message))
    return violations


def _looks_like_missing_space(text: str, shadow: _Shadow, match: re.Match[str]) -> bool:
    """ "the end.Com" or "too.Me": a sentence run into a capitalised word, not a domain."""
    tld_start, tld_end = shadow.original(*match.span("tld"))
    tld = text[tld_start:tld_end]
    before_dot = shadow.original(match.start("tld") - 2, match.start("tld") - 1)[0]
    return tld[:1].isupper() and tld[1:].islower() and text[before_dot].islower()


# --- Markup -----------------------------------------------------------------------------------

_ENCODED_LT = r"&(?:lt|#0*60|#x0*3c);?"
_ENCODED_GT = r"&(?:gt|#0*62|#x0*3e);?"
_DANGEROUS_TAGS = (
    "script|iframe|img|svg|object|embed|style|link|meta|base|form|input|body|html|math|frame|frameset|"
    "applet|video|audio|source|template|textarea|button|marquee|details"
)
_MARKUP_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("HTML comment", re.compile(r"<!--(?:(?!-->).)*+(?:-->)?", re.DOTALL)),
    ("Markup declaration", re.compile(r"<![a-z\[][^<>]*+>?")),
    ("Processing instruction", re.compile(r"<\?[a-z][^<>]*+>?")),
    ("HTML tag", re.compile(r"</?[a-z][a-z0-9:-]*+(?:[\s/][^<>]*+)?>")),
    ("HTML tag", re.compile(rf"</?(?:{_DANGEROUS_TAGS})(?![a-z0-9-])[^<>\n]*+")),
    ("HTML tag", re.compile(r"<[a-z][a-z0-9:-]*+\s+[a-z_:][\w:.-]*+\s*=[^<>\n]*+")),
    ("Encoded markup", re.compile(rf"{_ENCODED_LT}\s*[/!?]?[a-z](?:(?!{_ENCODED_GT})[^\n<>]){{0,200}}{_ENCODED_GT}")),
    ("HTML entity", re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+);?|&[a-z][a-z0-9]{1,31};|&(?:lt|gt|amp|quot)(?![a-z0-9])")),
    (
        "Markdown link",
        re.compile(r"!?\[[^\[\]\n]{0,300}\]\(\s*[^()\s]*+(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"),
    ),
    ("Markdown link definition", re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*\S+", re.MULTILINE)),
    ("BBCode tag", re.compile(r"\[/?(?:url|img|link|iframe|video|youtube|email)(?:=[^\]\n]*)?\]")),
    (
        "Script address",
        re.compile(r"(?<![a-z0-9])(?:(?:java|vb|live)script\s*:|data:[a-z]+/[a-z0-9.+-]+[;,])"),
    ),
)
_ENTITY_NAMES = frozenset(name.lower() for name in html.entities.html5 if name.endswith(";"))


def _markup_violations(text: str, shadow: _Shadow) -> list[GuardViolation]:
    found: list[tuple[int, int, str]] = []
    for kind, pattern in _MARKUP_PATTERNS:
        for match in pattern.finditer(shadow.text):
            named = match.group()[1:2].isalpha() and match.group().endswith(";")
            if kind == "HTML entity" and named and match.group()[1:] not in _ENTITY_NAMES:
                continue  # "AT&T;" is not an entity
            image = kind == "Markdown link" and match.group().startswith("!")
            found.append((*shadow.original(*match.span()), "Markdown image" if image else kind))
    found.sort(key=lambda item: (item[0], -item[1]))
    violations: list[GuardViolation] = []
    covered_until = -1
    for start, end, kind in found:
        if end <= covered_until:
            continue  # inside markup already reported, e.g. the entities of "&lt;b&gt;"
        covered_until = end
        span = text[start:end]
        if kind == "HTML entity":
            message = f'HTML entity "{_show(span)}" is not allowed: type the character itself, as plain text.'
        else:
            message = (
                f'{kind} "{_show(span)}" is not allowed: scenario text is plain text '
                "(write placeholders in [square brackets])."
            )
        violations.append(_violation(MARKUP, text, start, end, message))
    return violations


# --- Phone numbers ----------------------------------------------------------------------------

_DASHES = "\u2010\u2011\u2012\u2013\u2212"
_PHONE_SEPARATOR = rf"(?:\ ?[-{_DASHES}]\ ?|\.|\ |\ ?\(|\)\ ?[-.{_DASHES}]?)"
_PHONE_RE = re.compile(rf"(?<![\w+$€£¥#.-])(?:\+\ ?)?\(?[0-9]+(?:{_PHONE_SEPARATOR}[0-9]+)*(?!\w)")
_FICTIONAL_PHONE = re.compile(r"1?(?:[0-9]{3})?55501[0-9]{2}")
_DAY_OR_MONTH = r"(?:0?[1-9]|[12][0-9]|3[01])"
_YEAR = r"(?:19|20)[0-9]{2}"
_NOT_PHONES = (
    re.compile(rf"{_YEAR}(?P<sep>[-./ {_DASHES}]){_DAY_OR_MONTH}(?P=sep){_DAY_OR_MONTH}"),  # 2021-03-14
    re.compile(rf"{_DAY_OR_MONTH}(?P<sep>[-./ {_DASHES}]){_DAY_OR_MONTH}(?P=sep){_YEAR}"),  # 14.03.2021
    re.compile(rf"{_YEAR} ?[-{_DASHES}] ?{_YEAR}"),  # 2019-2021
    re.compile(r"[0-9]+\.[0-9]+"),  # a decimal number
    re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])"),  # IPv4
)
_IDENTIFIER_LABEL = re.compile(
    r"(?:#|\b(?:id|ids|uid|uuid|ticket|case|report|ref|reference|order|invoice|incident|account|acct|post|"
    r"message|msg|hash|serial|tracking)\b\s*(?:no\.?|nr\.?|number|#)?\s*[:#]?)\s*$"
)


def _phone_violations(text: str, shadow: _Shadow, claimed: bytearray) -> list[GuardViolation]:
    violations = []
    for match in _PHONE_RE.finditer(shadow.text):
        candidate = match.group()
        digits = re.sub(r"[^0-9]", "", candidate)
        if len(digits) < 7 or _FICTIONAL_PHONE.fullmatch(digits):
            continue
        if any(pattern.fullmatch(candidate) for pattern in _NOT_PHONES):
            continue
        if candidate == digits and _IDENTIFIER_LABEL.search(shadow.text, max(0, match.start() - 40), match.start()):
            continue
        start, end = shadow.original(*match.span())
        if any(claimed[start:end]):
            continue
        span = text[start:end]
        message = (
            f'Phone number "{_show(span)}" is not allowed: use a fictional number '
            "in the 555-0100 to 555-0199 range (for example 555-0142)."
        )
        violations.append(_violation(PHONE, text, start, end, message))
    return violations


# --- Explicit vocabulary ----------------------------------------------------------------------

# Look-alike letters from other scripts, folded to the Latin letter they imitate (for terms only:
# links keep them, so that "ex\u0430mple.com" with a Cyrillic letter is not taken for example.com).
_CONFUSABLES = str.maketrans(
    {
        **dict(zip("аеорсхуікјѕԁһмтвнпьɡ", "aeopcxyikjsdhmtbhnbg", strict=True)),  # Cyrillic (and script g)
        **dict(zip("οαερτυνκιχβ", "oaeptuvkixb", strict=True)),  # Greek
    }
)
_LEET = str.maketrans({"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_TOKEN_RE = re.compile(r"[a-z0-9](?:[a-z0-9@$]|[!|]+(?=[a-z0-9]))*+")
_MAX_WINDOW = 24


def _term_char(char: str) -> str:
    """Fold one shadow character for term matching: drop accents, map look-alike letters."""
    if char.isascii():
        return char
    stripped = "".join(piece for piece in unicodedata.normalize("NFKD", char) if not unicodedata.combining(piece))
    return stripped.translate(_CONFUSABLES)


def _spellings(word: str) -> tuple[str, ...]:
    """The readings of a token with leetspeak undone: "1" and "|" may stand for "i" or "l", and
    "!" or "|" may also be a separator inserted into the word ("wo!rd")."""
    readings = [word]
    if "!" in word or "|" in word:
        readings.append(word.replace("!", "").replace("|", ""))
    spellings = []
    for reading in readings:
        reading = reading.translate(_LEET)
        if "1" in reading or "|" in reading:
            spellings += [reading.replace("1", "i").replace("|", "i"), reading.replace("1", "l").replace("|", "l")]
        else:
            spellings.append(reading)
    return tuple(dict.fromkeys(spellings))


def _singulars(word: str) -> tuple[str, ...]:
    """The word itself, then without a plural "s" or "es" ("zorblats" -> "zorblat")."""
    if not word.endswith("s") or len(word) < 3:
        return (word,)
    without_s = word.rstrip("s")
    if without_s.endswith("e"):
        return word, without_s, without_s[:-1]
    return word, without_s


def _runs(word: str) -> tuple[str, tuple[int, ...]]:
    """Run-length encoding: "poorn" -> ("porn", (1, 2, 1, 1))."""
    skeleton: list[str] = []
    counts: list[int] = []
    for letter in word:
        if skeleton and letter == skeleton[-1]:
            counts[-1] += 1
        else:
            skeleton.append(letter)
            counts.append(1)
    return "".join(skeleton), tuple(counts)


@dataclass(frozen=True)
class _Term:
    term: str
    counts: tuple[int, ...]  # run lengths of the letters of the term
    words: int
    length: int


class _TermMatcher:
    """Whole-word matching of a vocabulary, tolerant of simple obfuscation.

    A term matches a word (a run of letters and digits, with "@", "$", "!" and "|" allowed inside)
    when, after undoing leetspeak, the word spells the term with any letter repeated ("woooord");
    a trailing plural "s"/"es" is tolerated ("zorblats" matches "zorblat"). Words only containing
    the term ("scrabble" for "crab") never match. A term may also be spelled across neighbouring
    words, separated by at most three characters of punctuation or space on one line, when:
    the separators contain no space ("w.o.r.d", "wo-rd", "w_o_r_d"); or every piece is a single
    letter ("w o r d", "w. o. r. d"); or the term has several words ("two words", "two-words",
    "twowords"); or two pieces make a term of six or more letters ("wor dle"), a length that keeps
    innocent pairs such as "an al" or "who re" from matching short terms.
    """

    def __init__(self, terms: Iterable[str]):
        self.by_skeleton: dict[str, list[_Term]] = {}
        for term in terms:
            folded = "".join(_term_char(_fold(char)) for char in term)
            words = _TOKEN_RE.findall(folded)
            if not words:
                continue
            key = "".join(words).translate(_LEET)
            skeleton, counts = _runs(key)
            self.by_skeleton.setdefault(skeleton, []).append(_Term(term, counts, len(words), len(key)))
        self.longest = max((len(skeleton) for skeleton in self.by_skeleton), default=0)
        self.most_words = max((term.words for terms in self.by_skeleton.values() for term in terms), default=1)

    def match(self, word: str) -> list[_Term]:
        """The terms that ``word`` spells, leetspeak, repeated letters and a plural allowed."""
        matched = []
        for spelling in _spellings(word):
            for candidate in _singulars(spelling):
                skeleton, counts = _runs(candidate)
                for term in self.by_skeleton.get(skeleton, ()):
                    if all(have >= need for have, need in zip(counts, term.counts, strict=True)):
                        matched.append(term)
        return matched

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Shadow offsets of every term found in ``text`` (a term-folded shadow), outermost only."""
        if not self.by_skeleton:
            return []
        tokens = [match.span() for match in _TOKEN_RE.finditer(text)]
        found = []
        for first in range(len(tokens)):
            joined = ""
            gaps_without_space = single_letters = True
            for last in range(first, min(first + _MAX_WINDOW, len(tokens))):
                pieces = last - first + 1
                if pieces > 1:
                    gap = text[tokens[last - 1][1] : tokens[last][0]]
                    if len(gap) > 3 or any(char in "\n\r" or char.isalnum() for char in gap):
                        break
                    gaps_without_space = gaps_without_space and not any(char.isspace() for char in gap)
                word = text[slice(*tokens[last])]
                single_letters = single_letters and len(word) == 1
                if pieces > max(2, self.most_words) and not (gaps_without_space or single_letters):
                    break  # no rule can accept a longer window
                joined += word
                if len(joined) > 3 * self.longest and len(_runs(joined)[0]) > self.longest + 2:
                    break
                terms = self.match(joined)
                if terms and (
                    pieces == 1
                    or gaps_without_space
                    or single_letters
                    or any(term.words > 1 or (pieces == 2 and term.length >= 6) for term in terms)
                ):
                    found.append((tokens[first][0], tokens[last][1]))
        found.sort(key=lambda span: (span[0], -span[1]))
        outermost: list[tuple[int, int]] = []
        for start, end in found:
            if outermost and end <= outermost[-1][1]:
                continue
            outermost.append((start, end))
        return outermost


@functools.cache
def _default_matcher() -> _TermMatcher:
    return _TermMatcher(load_explicit_terms())


@functools.lru_cache(maxsize=32)
def _matcher_for(terms: frozenset[str]) -> _TermMatcher:
    return _TermMatcher(terms)


def _term_violations(text: str, shadow: _Shadow, matcher: _TermMatcher) -> list[GuardViolation]:
    folded = shadow.map_chars(_term_char)
    violations = []
    for start, end in matcher.spans(folded.text):
        original_start, original_end = folded.original(start, end)
        span = text[original_start:original_end]
        message = (
            f'Explicit term "{_show(span)}" is not allowed: describe the content in the '
            "clinical language of the policy instead."
        )
        violations.append(_violation(EXPLICIT_TERM, text, original_start, original_end, message))
    return violations
