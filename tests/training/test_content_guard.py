"""The content guard: accepted and refused examples for every rule, and invariants (hypothesis).

Pure: no database and no Django. Explicit vocabulary is never written in this file: the vocabulary
tests read a term from the maintained list at run time and obfuscate it in code, and test the
matching rules with made-up words passed as ``terms=``.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from training.content_guard import (
    EXPLICIT_TERMS_FILE,
    ContentGuardError,
    GuardViolation,
    assert_safe,
    check_text,
    load_explicit_terms,
)

CODES = {"link_domain", "markup", "email", "phone", "too_long", "explicit_term", "control_chars"}
RESERVED_ADVICE = "use a reserved domain such as example.com, example.org or *.example / *.invalid / *.test."
CLINICAL_SCENARIO = (
    "@user_4821 posts a link to https://files.example/share/9 and writes that the folder holds sexual "
    "images of children. The account was created last week."
)
MADE_UP = frozenset({"zorblat"})


def found(text: str, **kwargs) -> list[tuple[str, str]]:
    return [(violation.code, violation.span) for violation in check_text(text, **kwargs)]


# --- Clinical text passes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        CLINICAL_SCENARIO,
        "A user, @user_77, asks a 13-year-old (age < 18) to move the chat to another app; the report "
        "(ticket 48213) was filed on 2021-03-14 at 10:30. See Section 2.1, e.g. the sextortion clause.",
        "The post promotes sexually explicit, sexualized depictions of minors; the policy treats nude "
        "images, abuse material, grooming and exploitation as violations. Contact help@trust.example "
        "or 555-0142.",
        "",
    ],
)
def test_it_accepts_a_clinical_scenario(text):
    assert check_text(text) == []


# --- Links ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "https://files.example/share/9",
        "http://example.com and https://www.example.org/path?q=1#top and https://cdn.example.net/x",
        "www.example.com",
        "forum.example/thread/12",
        "https://chat.invalid/room, http://app.test:8080/login, http://localhost:8000/, http://dev.localhost/",
        "e.g. the clause, i.e. the rule",
        "U.S. law",
        "Section 2.1 and version 10.2.3",
        "the user.Then",
        "He logged off early.Me too.",  # a sentence missing its space, not the .me domain
        "files named archive.zip, clip.mov, report.pdf and notes.txt",
        "written in Node.js",
        "@user_4821 replied",
        "ＨＴＴＰＳ://ｆｉｌｅｓ．ｅｘａｍｐｌｅ/x",  # full-width, but a reserved host all the same
    ],
)
def test_it_accepts_reserved_links_and_ordinary_periods(text):
    assert found(text, terms=()) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Visit www.realsite.com today.", "www.realsite.com"),
        ("See https://realsite.com/path?x=1.", "https://realsite.com/path?x=1"),
        ("HTTP://REALSITE.NET", "HTTP://REALSITE.NET"),
        ("see realsite.com/page for more", "realsite.com/page"),
        ("made by Realsite.com", "Realsite.com"),
        ("join t.me/somechannel", "t.me/somechannel"),
        ("a short link bit.ly/3xYz", "bit.ly/3xYz"),
        ("realsite.co.uk", "realsite.co.uk"),
        ("a hidden service abcdefghij234567.onion", "abcdefghij234567.onion"),
        ("(see https://realsite.com/wiki/A_(b))", "https://realsite.com/wiki/A_(b)"),
        ("https://example.com.realsite.com/", "https://example.com.realsite.com/"),
        ("https://example.com@realsite.com/x", "https://example.com@realsite.com/x"),
        ("http://realsite.com\\@example.com", "http://realsite.com\\@example.com"),
        ("https://ex\u0430mple.com/", "https://ex\u0430mple.com/"),  # a Cyrillic letter: a real, different domain
        ("ｗｗｗ．ｒｅａｌｓｉｔｅ．ｃｏｍ", "ｗｗｗ．ｒｅａｌｓｉｔｅ．ｃｏｍ"),
        ("realsite[.]com", "realsite[.]com"),
        ("hxxps://realsite.com", "hxxps://realsite.com"),
        ("ftp://10.0.0.1/x", "ftp://10.0.0.1/x"),
        ("10.0.0.1:8080/admin", "10.0.0.1:8080/admin"),
    ],
)
def test_it_refuses_links_to_real_looking_hosts(text, span):
    assert found(text, terms=()) == [("link_domain", span)]


def test_a_link_message_names_the_link_and_the_reserved_domains():
    (violation,) = check_text("Visit www.realsite.com today.")
    assert violation == GuardViolation(
        code="link_domain",
        message=f'Link to "www.realsite.com" is not allowed: {RESERVED_ADVICE}',
        start=6,
        end=22,
        span="www.realsite.com",
    )


@pytest.mark.parametrize(
    "text",
    [
        "https://files.example/r?to=https://realsite.com/x",
        "https://files.example/r?to=https%3A%2F%2Frealsite.com%2Fx",
        "https://files.example/r?to=www.realsite.com",
    ],
)
def test_it_refuses_a_reserved_link_that_leads_on_to_a_real_host(text):
    (violation,) = check_text(text)
    assert (violation.code, violation.span) == ("link_domain", text)
    assert "leads on to" in violation.message
    assert "realsite.com" in violation.message


# --- Markup -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "age < 18",
        "13 < age < 18 and score > 2",
        "a < b and c > d",
        "a <3 heart",
        "x -> y <- z",
        "AT&T, Q&A, R&D, AT&T;",
        "[redacted], [1], (see above), **important**",
    ],
)
def test_it_accepts_angle_brackets_and_ampersands_in_prose(text):
    assert found(text, terms=()) == []


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ('<a href="https://files.example">folder</a>', ['<a href="https://files.example">', "</a>"]),
        ("<script>alert(1)</script>", ["<script>", "</script>"]),
        ("bold</b>", ["</b>"]),
        ("<br/>", ["<br/>"]),
        ("<img src=x onerror=alert(1)>", ["<img src=x onerror=alert(1)>"]),
        ("<img src=x onerror=alert(1)", ["<img src=x onerror=alert(1)"]),
        ("<redacted>", ["<redacted>"]),
        ("<!-- hidden -->", ["<!-- hidden -->"]),
        ("<?xml version='1.0'?>", ["<?xml version='1.0'?>"]),
        ("＜script＞", ["＜script＞"]),
        ("&lt;script&gt;", ["&lt;script&gt;"]),
        ("&#60;b&#x3E;", ["&#60;b&#x3E;"]),
        ("Tom &amp; Jerry", ["&amp;"]),
        ("a&nbsp;b", ["&nbsp;"]),
        ("[the folder](https://files.example/x)", ["[the folder](https://files.example/x)"]),
        ("![alt](https://files.example/a.png)", ["![alt](https://files.example/a.png)"]),
        ("[1]: https://files.example/x", ["[1]: https://files.example/x"]),
        ("[url=https://files.example]x[/url]", ["[url=https://files.example]", "[/url]"]),
        ("javascript:alert(1)", ["javascript:"]),
        ("<https://files.example/x>", ["<https://files.example/x>"]),
    ],
)
def test_it_refuses_markup(text, spans):
    assert found(text, terms=()) == [("markup", span) for span in spans]


def test_a_markup_message_names_the_markup_and_suggests_plain_text():
    (violation,) = check_text("the <redacted> account")
    assert violation.message == (
        'HTML tag "<redacted>" is not allowed: scenario text is plain text (write placeholders in [square brackets]).'
    )


def test_markup_around_a_real_link_reports_both():
    assert found("[folder](https://realsite.com)") == [
        ("markup", "[folder](https://realsite.com)"),
        ("link_domain", "https://realsite.com"),
    ]


# --- E-mail addresses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "someone@example.com",
        "x@mail.example",
        "a.b+tag@sub.example.org",
        "reach@help.invalid",
        "@user_4821 and @user_77",
        "user @ home",
    ],
)
def test_it_accepts_addresses_at_reserved_domains_and_handles(text):
    assert found(text, terms=()) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("mail john.doe@realsite.com", "john.doe@realsite.com"),
        ("Contact: x_y@realsite.co.uk.", "x_y@realsite.co.uk"),
        ("JOHN@REALSITE.COM", "JOHN@REALSITE.COM"),
        ("someone@example.com.realsite.net", "someone@example.com.realsite.net"),
        ("name[at]realsite[.]com", "name[at]realsite[.]com"),
        ("mailto:x@realsite.org", "x@realsite.org"),
    ],
)
def test_it_refuses_real_looking_addresses(text, span):
    assert found(text, terms=()) == [("email", span)]


def test_an_address_message_names_it():
    (violation,) = check_text("mail john.doe@realsite.com")
    assert violation.message == (
        'E-mail address "john.doe@realsite.com" is not allowed: '
        "use an address at a reserved domain such as someone@example.com."
    )


# --- Phone numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "555-0100",
        "555-0199",
        "(212) 555-0147",
        "+1 212 555 0123",
        "1-800-555-0199",
        "call 555.0142",
        "aged 14, in 2020, 3 posts",
        "@user_4821 and user_48213567",
        "ticket 48213, ticket 4821937, #4821937, ID 123456789012, case no. 7712345",
        "on 2021-03-14 or 14.03.2021, between 2019-2021",
        "1,234,567 views",
        "3.14159265",
        "192.168.100.200",
        "hash a3f51234567b",
        "at 10:30-11:45",
    ],
)
def test_it_accepts_fictional_numbers_dates_and_counts(text):
    assert found(text, terms=()) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Call (415) 867-5309.", "(415) 867-5309"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("555-1234", "555-1234"),
        ("555-0200", "555-0200"),
        ("text 0612345678", "0612345678"),
        ("06 12 34 56 78", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("555.867.5309", "555.867.5309"),
        ("+7 (495) 123-45-67", "+7 (495) 123-45-67"),
        ("+49 30 1234567", "+49 30 1234567"),
        ("tel:+15558675309", "+15558675309"),
        ("５５５８６７５３０９", "５５５８６７５３０９"),
    ],
)
def test_it_refuses_real_looking_phone_numbers(text, span):
    assert found(text, terms=()) == [("phone", span)]


def test_a_phone_message_names_the_number_and_the_fictional_range():
    (violation,) = check_text("Call (415) 867-5309.")
    assert violation.message == (
        'Phone number "(415) 867-5309" is not allowed: use a fictional number '
        "in the 555-0100 to 555-0199 range (for example 555-0142)."
    )


# --- Length -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "max_length", "expected"),
    [
        ("x" * 10, 10, []),
        ("x" * 11, 10, [("too_long", "x")]),
        ("abcdef", 4, [("too_long", "ef")]),
        ("", 0, []),
        ("a", 0, [("too_long", "a")]),
    ],
)
def test_it_refuses_text_over_the_length_limit(text, max_length, expected):
    assert found(text, max_length=max_length, terms=()) == expected


def test_the_default_limit_is_2000_characters_and_the_span_is_the_excess():
    assert check_text("word " * 400) == []
    (violation,) = check_text("word " * 400 + "beyond")
    assert (violation.code, violation.start, violation.end, violation.span) == ("too_long", 2000, 2006, "beyond")
    assert violation.message == (
        'Text is 2,006 characters long, 6 over the limit of 2,000: shorten it (the excess starts with "beyond").'
    )


# --- Invisible and control characters ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "line one\nline two\r\nline three",
        "tab\tseparated",
        "café, naïve, Zürich",
        "日本語のテキスト",
        "a heart \u2764\ufe0f and a smile \U0001f600",
    ],
)
def test_it_accepts_ordinary_whitespace_accents_and_emoji(text):
    assert found(text, terms=()) == []


@pytest.mark.parametrize(
    ("text", "span", "named"),
    [
        ("zero\u200bwidth", "\u200b", "U+200B ZERO WIDTH SPACE"),
        ("two\u200b\u200cjoined", "\u200b\u200c", "U+200C ZERO WIDTH NON-JOINER"),
        ("\u202eright-to-left override", "\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("isolate\u2066", "\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("nul\x00byte", "\x00", "U+0000"),
        ("escape\x1b[31m", "\x1b", "U+001B"),
        ("\ufeffbyte order mark", "\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("soft\u00adhyphen", "\u00ad", "U+00AD SOFT HYPHEN"),
        ("filler\u3164", "\u3164", "U+3164 HANGUL FILLER"),
        ("tag\U000e0041", "\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A"),
    ],
)
def test_it_refuses_invisible_and_control_characters(text, span, named):
    (violation,) = check_text(text, terms=())
    assert (violation.code, violation.span) == ("control_chars", span)
    assert named in violation.message


def test_a_control_character_message_names_the_character_and_its_offset():
    (violation,) = check_text("zero\u200bwidth")
    assert violation.message == (
        "Invisible or control character U+200B ZERO WIDTH SPACE at offset 4 is not allowed: "
        "such characters can hide or disguise text; remove them."
    )


def test_a_zero_width_space_does_not_hide_a_link():
    text = "www.real\u200bsite.com"
    assert found(text) == [("link_domain", text), ("control_chars", "\u200b")]


# --- Explicit vocabulary ----------------------------------------------------------------------

TERM = next(term for term in sorted(load_explicit_terms()) if term.isalpha() and len(term) >= 4)
LEET = str.maketrans({"o": "0", "i": "1", "e": "3", "a": "4", "s": "5", "t": "7"})
OBFUSCATIONS = {
    "as is": lambda term: term,
    "upper case": str.upper,
    "title case": str.title,
    "dotted": ".".join,
    "spaced": " ".join,
    "hyphenated": "-".join,
    "starred": "*".join,
    "leetspeak": lambda term: term.translate(LEET),
    "repeated letters": lambda term: term[0] + term[1] * 3 + term[2:] + term[-1] * 2,
    "plural": lambda term: term + "s",
    "accented": lambda term: term.replace("o", "ö").replace("a", "á").replace("e", "é").replace("i", "ï"),
}


def test_the_explicit_term_list_is_a_documented_conservative_artifact():
    lines = EXPLICIT_TERMS_FILE.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ")
    header = "\n".join(line for line in lines if line.startswith("#")).lower()
    for promise in ("one lowercase term per line", "deliberately conservative", '"#"'):
        assert promise in header
    terms = load_explicit_terms()
    assert 20 <= len(terms) <= 100
    assert all(term == term.lower().strip() and "#" not in term for term in terms)
    assert load_explicit_terms() is terms  # read once


@pytest.mark.parametrize(
    "word",
    ["sex", "sexual", "sexually explicit", "sexualized", "exploitation", "nude", "abuse material", "grooming"],
)
def test_the_policy_vocabulary_is_not_explicit_vocabulary(word):
    assert word not in load_explicit_terms()
    assert check_text(f"The report concerns {word} content.") == []


@pytest.mark.parametrize("obfuscate", OBFUSCATIONS.values(), ids=OBFUSCATIONS.keys())
def test_it_refuses_a_listed_term_however_it_is_disguised(obfuscate):
    disguised = obfuscate(TERM)
    text = f"The message says {disguised} twice."
    (violation,) = check_text(text)
    assert (violation.code, violation.span, violation.start) == ("explicit_term", disguised, 17)
    assert violation.message == (
        f'Explicit term "{disguised}" is not allowed: '
        "describe the content in the clinical language of the policy instead."
    )


def test_a_listed_term_split_by_a_zero_width_space_is_still_found():
    text = TERM[:2] + "\u200b" + TERM[2:]
    assert found(text) == [("explicit_term", text), ("control_chars", "\u200b")]


def test_a_listed_term_inside_a_longer_word_is_not_refused():
    assert found(f"un{TERM}ish", terms={TERM}) == []


def test_terms_replace_the_maintained_list():
    assert found(TERM, terms=MADE_UP) == []
    assert found(TERM, terms=()) == []
    assert found("zorblat", terms=MADE_UP) == [("explicit_term", "zorblat")]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("zorblat", "zorblat"),
        ("Zorblat!", "Zorblat"),
        ("ZORBLAT", "ZORBLAT"),
        ("zorblats", "zorblats"),  # a plural "s"/"es" is matched: list the singular
        ("zorblates", "zorblates"),
        ("@zorblat_99", "zorblat"),  # "_" separates words
        ("z.o.r.b.l.a.t", "z.o.r.b.l.a.t"),
        ("a z o r b l a t b", "z o r b l a t"),
        ("z. o. r. b. l. a. t", "z. o. r. b. l. a. t"),
        ("z0rbl47", "z0rbl47"),
        ("zorb|at", "zorb|at"),  # "|" and "1" read as "i" or "l"
        ("zooorblaaat", "zooorblaaat"),
        ("zor.blat", "zor.blat"),
        ("zorb lat", "zorb lat"),  # two pieces: only for terms of six or more letters
        ("zörblat", "zörblat"),
        ("z\u043erblat", "z\u043erblat"),  # a Cyrillic letter
        ("ｚｏｒｂｌａｔ", "ｚｏｒｂｌａｔ"),
    ],
)
def test_it_finds_a_term_as_a_whole_word_through_simple_obfuscation(text, span):
    assert found(text, terms=MADE_UP) == [("explicit_term", span)]


@pytest.mark.parametrize(
    "text",
    [
        "zorblatted",
        "unzorblat",
        "zorblatish",
        "zorb\nlat",  # pieces on different lines
        "zor b lat",  # a split into three pieces of several letters
        "zrblat",
    ],
)
def test_it_does_not_find_a_term_in_other_words(text):
    assert found(text, terms=MADE_UP) == []


@pytest.mark.parametrize(
    ("terms", "text", "expected"),
    [
        ({"las"}, "class, atlas, lasso", []),
        ({"las"}, "la s", []),  # two pieces of a term shorter than six letters
        ({"las"}, "LAS", [("explicit_term", "LAS")]),
        ({"las"}, "l.a.s", [("explicit_term", "l.a.s")]),
        ({"ses"}, "assess the sessions", []),
        ({"orb"}, "absorb, orbit, forbid", []),
        ({"orb"}, "an orb", [("explicit_term", "orb")]),
        ({"glim zorp"}, "glim zorp", [("explicit_term", "glim zorp")]),
        ({"glim zorp"}, "Glim-Zorp", [("explicit_term", "Glim-Zorp")]),
        ({"glim zorp"}, "glimzorp", [("explicit_term", "glimzorp")]),
        ({"glim zorp"}, "glim alone, zorp alone", []),
    ],
)
def test_short_and_multi_word_terms(terms, text, expected):
    assert found(text, terms=terms) == expected


# --- Several violations, messages, assert_safe ------------------------------------------------

MIXED = "Mail x@realsite.com or call (415) 867-5309, see <b>www.realsite.com</b>\u200b zorblat"


def test_it_reports_every_violation_in_text_order():
    assert found(MIXED, terms=MADE_UP, max_length=60) == [
        ("email", "x@realsite.com"),
        ("phone", "(415) 867-5309"),
        ("markup", "<b>"),
        ("link_domain", "www.realsite.com"),
        ("too_long", MIXED[60:]),
        ("markup", "</b>"),
        ("control_chars", "\u200b"),
        ("explicit_term", "zorblat"),
    ]


@pytest.mark.parametrize(
    "text",
    ["www.realsite.com", "<b>", "x@realsite.com", "(415) 867-5309", "zorblat", "[a](b)", "&amp;"],
)
def test_a_message_quotes_the_span(text):
    (violation,) = check_text(text, terms=MADE_UP)
    assert f'"{violation.span}"' in violation.message
    assert violation.message.endswith(".")


def test_assert_safe_returns_quietly_for_safe_text():
    assert assert_safe(CLINICAL_SCENARIO) is None


def test_assert_safe_raises_with_every_message():
    with pytest.raises(ContentGuardError) as raised:
        assert_safe(MIXED, terms=MADE_UP, max_length=60)
    error = raised.value
    assert isinstance(error, ValueError)
    assert error.violations == tuple(check_text(MIXED, terms=MADE_UP, max_length=60))
    assert str(error) == " ".join(violation.message for violation in error.violations)
    assert 'E-mail address "x@realsite.com" is not allowed' in str(error)


def test_assert_safe_passes_its_options_on():
    with pytest.raises(ContentGuardError, match="over the limit of 3"):
        assert_safe("four", max_length=3)


def test_it_refuses_what_is_not_text():
    with pytest.raises(TypeError):
        check_text(b"bytes")  # type: ignore[arg-type]


def test_terms_must_be_a_collection_not_one_string():
    with pytest.raises(TypeError):
        check_text("zorblat", terms="zorblat")


# --- Invariants -------------------------------------------------------------------------------

SAFE_ALPHABET = string.ascii_letters + " \n,;!?'-"
FRAGMENTS = [
    "www.",
    "http://",
    "https://",
    ".com",
    ".example",
    "/",
    "@",
    "example",
    "realsite",
    "user_4821",
    "<",
    ">",
    "&lt;",
    "&",
    ";",
    "[",
    "](",
    ")",
    "(",
    "555",
    "-",
    "0100",
    "1234",
    "+",
    " ",
    ".",
    "\u200b",
    "\ufe0f",
    "\u0301",
    "z",
    "o",
    "r",
    "0",
    "|",
    "ｗ",
    "ß",
    "İ",
    "\n",
]
fragment_soup = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=SAFE_ALPHABET, max_size=400))
def test_plain_words_and_basic_punctuation_are_always_safe(text):
    # Without ".", "@", digits, brackets, "<" or "&" nothing can form a link, an address, a phone
    # number or markup.
    assert check_text(text, terms=()) == []


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), fragment_soup), st.integers(min_value=0, max_value=400))
def test_violations_are_well_formed_spans_of_the_text_in_order(text, max_length):
    for terms in (None, MADE_UP):
        violations = check_text(text, max_length=max_length, terms=terms)
        assert violations == sorted(violations, key=lambda violation: violation.start)
        for violation in violations:
            assert violation.code in CODES
            assert 0 <= violation.start < violation.end <= len(text)
            assert violation.span == text[violation.start : violation.end]
            assert violation.message


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=SAFE_ALPHABET, max_size=100),
    st.integers(min_value=0),
    st.sampled_from(["\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\x00", "\x7f"]),
)
def test_an_inserted_invisible_character_is_always_reported_where_it_is(text, position, invisible):
    position %= len(text) + 1
    text = text[:position] + invisible + text[position:]
    assert ("control_chars", invisible) in found(text, terms=())
    assert any(violation.start == position for violation in check_text(text, terms=()))


label = st.from_regex(r"[a-z][a-z0-9-]{0,8}[a-z0-9]", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(label, min_size=1, max_size=3),
    st.sampled_from(["example", "invalid", "test", "localhost", "example.com", "example.org", "example.net"]),
    st.sampled_from(["https://", "http://", ""]),
)
def test_links_to_reserved_hosts_are_always_accepted(labels, suffix, scheme):
    assert found(f"See {scheme}{'.'.join([*labels, suffix])}/share/9 now.", terms=()) == []


@settings(max_examples=200, deadline=None)
@given(label.filter(lambda name: name != "example"), st.sampled_from(["com", "net", "org", "io", "ru", "xyz"]))
def test_links_to_real_looking_hosts_are_always_refused(name, tld):
    host = f"{name}.{tld}"
    assert found(f"See {host} now.", terms=()) == [("link_domain", host)]
