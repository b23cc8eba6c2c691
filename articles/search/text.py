"""French text normalisation shared by indexing and querying, for every database backend.

Both backends receive tokens made here, never raw text: PostgreSQL gets a ``tsvector`` literal
built from them and SQLite FTS5 gets them joined by spaces (its ``ascii`` tokenizer then only
splits on the spaces). The same token stream on both sides is what makes the hits identical.

The pipeline for each word of a text:

1. split on anything that is not a letter or a digit, remembering where each word sits in the
   original text (snippets highlight the original characters);
2. drop elided particles before an apostrophe, straight or typographic: "l'IA" and "d’OpenAI"
   give "ia" and "openai";
3. lower-case and remove accents and ligatures ("Évènement" → "evenement", "œuvre" →
   "oeuvre"), so matching is accent-insensitive in both directions;
4. stem with the Snowball French stemmer (PyStemmer), then drop a final "e" the stemmer leaves
   on words whose accent was removed ("émancipée" → "emancip", like "émanciper"); words
   ending in "ai" are left whole ("OpenAI" stays "openai", not "open");
5. encode anything that is not ASCII (Greek, Arabic, Chinese...) as ``u<hex>`` so that every
   token is ``[a-z0-9]+`` and both engines see exactly the same token.

Stop words are indexed like any other word (so a query made only of them, or a quoted phrase,
still works); the query parser skips them outside quotes when the query has other words.
"""

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from typing import NamedTuple

import Stemmer

# A word: letters and digits (Python's \w minus the underscore).
WORD_RE = re.compile(r"[^\W_]+")
# Every character writers and word processors type as an apostrophe; company detection
# (articles/detection.py) reads the same set, so both agree on what an elision is.
APOSTROPHES = "'’‘`´′‛"
# "ʼ" and "ʻ" (modifier letters) are letters to Unicode: read them as "’" so "dʼOpenAI" elides.
LETTER_APOSTROPHES = "ʼʻ"
_LETTER_APOSTROPHES = str.maketrans(dict.fromkeys(LETTER_APOSTROPHES, "’"))
# Particles written before an apostrophe: "l'", "d’", "qu'", "jusqu'"...
ELIDED = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu"})
# Where an elision may end: an apostrophe before a letter or digit. The particle before it must
# be a whole word of ELIDED written in ASCII letters (``_elisions``); ``iter_tokens`` applies
# the same rule word by word. Looking from the apostrophes is several times faster than a
# pattern tried at every position of the text.
ELISION_POINT_RE = re.compile(f"[{APOSTROPHES}](?=[^\\W_])")
_LONGEST_PARTICLE = max(map(len, ELIDED))
# Longer tokens are never useful and PostgreSQL refuses lexemes over 2 KB.
MAX_TOKEN_LENGTH = 60

# Function words skipped in unquoted queries that have other words. Deliberately short: words
# that also carry meaning ("été", "son", "or", "car", "pas", "point") are not in it.
# fmt: off
STOP_WORDS = frozenset({
    "a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "dans", "de", "des", "du", "elle", "elles", "en",
    "et", "eux", "il", "ils", "je", "la", "le", "les", "leur", "leurs", "lui", "ma", "mais", "me", "meme",
    "mes", "moi", "mon", "ne", "nos", "notre", "nous", "on", "ou", "par", "pour", "qu", "que", "qui", "sa",
    "se", "ses", "sur", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "y",
    "est", "sont", "etre", "avoir", "ont",
})
# fmt: on

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "ł": "l"})
_stemmer = Stemmer.Stemmer("french")
_FIRST = itemgetter(0)


class Token(NamedTuple):
    """A normalised word and where it sits in the original text."""

    term: str  # the indexed form: unaccented, stemmed, [a-z0-9]+
    plain: str  # unaccented lower-case form before stemming (vocabulary, stop words)
    start: int
    end: int


def unaccent(text: str) -> str:
    """Lower-case, remove accents and ligatures: "Évènement Œuvre" → "evenement oeuvre"."""
    text = text.translate(_LIGATURES).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _ascii(word: str) -> str:
    if word.isascii():
        return word
    return "".join(c if c.isascii() else f"u{ord(c):x}" for c in word)


@lru_cache(maxsize=200_000)
def _normalise_word(word: str) -> tuple[str, str]:
    plain = "".join(c for c in _ascii(unaccent(word)) if c.isalnum())[:MAX_TOKEN_LENGTH]
    if not plain:
        return "", ""
    if plain.isdigit() or not plain.isascii() or plain.endswith("ai"):
        # Snowball cuts "-ai" as a past-tense ending, turning "OpenAI" into "open" and "xAI"
        # into "x"; that tense is rare in news, names ending in "ai" are not.
        return plain, plain
    stem = _stemmer.stemWord(plain)
    if len(stem) > 4 and stem.endswith("e"):
        stem = stem[:-1]
    return stem or plain, plain


def tokenize(text: str) -> list[Token]:
    """Every word of ``text`` as a Token, elided particles dropped; offsets refer to ``text``.

    ``index_words`` gives the same words faster, without offsets; a test holds them equal.
    """
    return list(iter_tokens(text))


def iter_tokens(text: str) -> Iterator[Token]:
    """``tokenize``, one token at a time (queries; snippets and the indexer read the same
    tokens through ``index_terms`` and ``token_spans``)."""
    text = _read_letter_apostrophes(text)  # same length: offsets still hold
    length = len(text)
    normalise = _normalise_word
    for match in WORD_RE.finditer(text):
        start, end = match.span()
        word = match.group()
        # "l'IA": the particle before the apostrophe is not a word of its own.
        followed = end + 1 < length and text[end] in APOSTROPHES and text[end + 1].isalnum()
        if followed and word.isascii() and word.lower() in ELIDED:
            continue
        term, plain = normalise(word)
        if term:
            yield Token(term, plain, start, end)


def index_words(text: str) -> list[str]:
    """The words of ``text`` that ``tokenize`` keeps, as written (the indexer's fast path)."""
    return WORD_RE.findall(_blank_elisions(_read_letter_apostrophes(text)))


def _blank_elisions(text: str) -> str:
    """``text`` with each elided particle replaced by as many spaces (offsets hold)."""
    spans = list(_elisions(text))
    if not spans:
        return text
    pieces, cursor = [], 0
    for start, end in spans:
        pieces += (text[cursor:start], " " * (end - start))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _elisions(text: str) -> Iterator[tuple[int, int]]:
    """Where the elided particles are: "l" in "l'IA", "qu" in "qu’elle", not "al" in "al'x"."""
    for point in ELISION_POINT_RE.finditer(text):
        end = start = point.start()
        while start > 0 and text[start - 1].isalnum() and end - start <= _LONGEST_PARTICLE:
            start -= 1
        word = text[start:end]
        # A whole word ([^\W_] is isalnum()), in ASCII letters of either case.
        if (start == 0 or not text[start - 1].isalnum()) and word.isascii() and word.lower() in ELIDED:
            yield start, end


def index_terms(text: str) -> list[str]:
    """``terms(text)`` through the fast path: the words of ``index_words``, normalised."""
    normalise = _normalise_word
    return [term for term, _ in map(normalise, index_words(text)) if term]


def token_spans(text: str, start: int = 0, stop: int | None = None) -> list[tuple[int, int]]:
    """Where tokens ``start`` to ``stop`` of ``tokenize(text)`` sit in ``text``, without building
    tokens: elided particles are blanked out (same length, so offsets hold), the words found.

    When every word is a token (almost always: a word can normalise to nothing), the words
    before ``start`` are skipped without a step of Python each; from the first token, only
    those up to ``stop`` are read.
    """
    blanked = _blank_elisions(_read_letter_apostrophes(text))
    if start and all(map(_FIRST, map(_normalise_word, WORD_RE.findall(blanked)))):
        return [match.span() for match in islice(WORD_RE.finditer(blanked), start, stop)]
    normalise = _normalise_word
    spans = (match.span() for match in WORD_RE.finditer(blanked) if normalise(match.group())[0])
    return list(islice(spans, start, stop))


def _read_letter_apostrophes(text: str) -> str:
    # str.translate() walks the text in Python-level steps: only when there is something to do.
    if any(c in text for c in LETTER_APOSTROPHES):
        return text.translate(_LETTER_APOSTROPHES)
    return text


def normalise(word: str) -> tuple[str, str]:
    """(indexed form, plain form) of one word as ``WORD_RE`` finds it; ("", "") if nothing is left."""
    return _normalise_word(word)


def terms(text: str) -> list[str]:
    """The indexed forms of the words of ``text``: "L’éditeur de Windows" → ["editeur", "de", "window"]."""
    return [token.term for token in tokenize(text)]


def is_stop_word(token: Token) -> bool:
    return token.plain in STOP_WORDS
