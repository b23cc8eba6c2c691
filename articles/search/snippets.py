"""Highlighted passages for the results shown, built in Python on the page's articles only.

The best passage is chosen among the standfirst and the sections (the one matching the most
query words, then the most occurrences, then the earliest); it links to the section's anchor.
Highlighting is built on the original text: every piece is HTML-escaped, and only the
``<mark>`` tags added here are markup, so a title or body holding HTML cannot inject any.
"""

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from html import escape  # what django.utils.html.escape calls, without its lazy-string wrapper
from typing import NamedTuple

from django.utils.safestring import SafeString, mark_safe

from . import text
from .query import ParsedQuery

WINDOW_TOKENS = 32
# Words of context the window shows before its first hit.
WINDOW_LEAD = 4
MAX_SOURCE_CHARS = 10_000
# Stems shorter than this (once cut, see _prefilter) are looked for word by word.
MIN_PREFILTER_CHARS = 3
# Words of context kept before the first possible match when the text before it is skipped.
CONTEXT_CHARS = 160
# The prefilter's letter classes cover Basic Latin to Latin Extended-B; a passage with a letter
# or digit beyond them (ligatures like "ﬁ", Vietnamese letters, fullwidth forms) is read word by
# word. Other characters (typographic apostrophes and dashes, « », combining accents) are never
# part of a word (text.WORD_RE), so they cannot hide one from the prefilter.
BEYOND_CLASSES = re.compile("[^\\W\u0000-\u024f]")


def _letter_classes() -> dict[str, str]:
    """Each ASCII letter as a regex class of every Latin letter ``text.unaccent`` reads as it:
    "e" → "[EeÈÉÊËèéêëĒēĔĕĖėĘęĚě]"."""
    classes = {c: {c, c.upper()} for c in string.ascii_lowercase}
    for code in range(0xC0, 0x250):
        letter = chr(code)
        base = text.unaccent(letter)
        if base in classes:
            classes[base].add(letter)
    return {base: "[" + "".join(sorted(letters)) + "]" for base, letters in classes.items()}


_CLASSES = _letter_classes()


@dataclass
class Snippet:
    html: SafeString
    url: str
    heading: str = ""


class Prefilter(NamedTuple):
    """One pattern per query word; a text holding none of them holds none of the words.

    Searched one after the other: one pattern of alternatives made the regular expression
    engine test every alternative at every position (17 ns a character for two words,
    against 3 for each pattern alone)."""

    patterns: tuple[re.Pattern, ...]

    def found_in(self, source: str) -> bool:
        return any(pattern.search(source) for pattern in self.patterns)

    def search(self, source: str) -> tuple[int, int] | None:
        """The span of the first match of any pattern, or None."""
        spans = [found.span() for found in map(_search_in(source), self.patterns) if found is not None]
        return min(spans) if spans else None

    def last_end(self, source: str) -> int:
        """Where the last match of any pattern ends (-1 if none)."""
        return max((match.end() for pattern in self.patterns for match in pattern.finditer(source)), default=-1)


def _search_in(source: str):
    return lambda pattern: pattern.search(source)


@lru_cache(maxsize=512)
def _prefilter(tokens: tuple[str, ...]) -> Prefilter | None:
    """Patterns found in every text that holds one of ``tokens`` (and in a few others), to
    skip the passages that cannot match without reading them word by word; None if unsure.

    The French Snowball stemmer only removes or rewrites a word's last letters: every stem but
    its last two letters begins the unaccented word ("différ|ent" from "différence", "cheva|l"
    from "chevaux", "cour|ant" from "couramment"), so that beginning, with each letter allowed
    its accented forms, is in the text. Ligatures ("œ") and encoded non-Latin tokens (which
    hold digits) are left to the word-by-word reading.
    """
    parts = []
    for token in tokens:
        beginning = token[:-2]
        if len(beginning) < MIN_PREFILTER_CHARS or not beginning.isalpha() or not beginning.isascii():
            return None
        if any(pair in beginning for pair in ("oe", "ae", "ss")):
            return None
        parts.append("".join(_CLASSES[c] for c in beginning))
    return Prefilter(tuple(re.compile(part) for part in dict.fromkeys(parts))) if parts else None


def _matches(terms: list[str], parsed: ParsedQuery) -> tuple[set[int], int]:
    """Indexes of terms that belong to a match, and how many distinct query items matched."""
    hits: set[int] = set()
    items_found = 0
    for item in parsed.positive_items():
        size = len(item.tokens)
        found = False
        for i in range(len(terms) - size + 1):
            if tuple(terms[i : i + size]) == item.tokens:
                hits.update(range(i, i + size))
                found = True
        items_found += found
    return hits, items_found


def _window_start(hits: set[int]) -> int:
    """Where the window of WINDOW_TOKENS tokens holding the most hits starts (WINDOW_LEAD
    tokens before its first hit); 0 without hits."""
    best_start, best_count = 0, -1
    for start in sorted(hits):
        begin = max(0, start - WINDOW_LEAD)
        count = sum(1 for h in hits if begin <= h < begin + WINDOW_TOKENS)
        if count > best_count:
            best_start, best_count = begin, count
    return best_start


def _highlight(source: str, hits: set[int]) -> SafeString:
    best_start = _window_start(hits)
    # Offsets of the window's tokens (those of text.index_terms, see text.py), and one token
    # more, which tells whether the window ends the passage.
    spans = text.token_spans(source, best_start, best_start + WINDOW_TOKENS + 1)
    window = spans[:WINDOW_TOKENS]
    if not window:
        return mark_safe(escape(source[:200]))
    begin = 0 if best_start == 0 else window[0][0]
    end = len(source) if len(spans) <= WINDOW_TOKENS else window[-1][1]
    parts = ["…"] if begin > 0 else []
    cursor = begin
    for offset, (start, stop) in enumerate(window, start=best_start):
        if offset in hits:
            parts.append(escape(source[cursor:start]))
            parts.append(f"<mark>{escape(source[start:stop])}</mark>")
            cursor = stop
    parts.append(escape(source[cursor:end]))
    if end < len(source):
        parts.append("…")
    return mark_safe("".join(parts))


def best_snippet(article, parsed: ParsedQuery, sections=None) -> Snippet:
    """The passage of ``article`` that best matches ``parsed``, highlighted, with its link.

    ``sections``: the article's sections in order, fetched with the page of results (by
    default they are read now, one query).
    """
    url = article.get_absolute_url()
    candidates = []
    if article.standfirst:
        candidates.append((article.standfirst, url, ""))
    for section in article.sections.all() if sections is None else sections:
        if section.body:
            link = f"{url}#{section.anchor}" if section.anchor else url
            candidates.append((section.body, link, section.heading))
    best = None
    best_key = (-1, -1)
    wanted = parsed.positive_items()
    prefilter = _prefilter(tuple(parsed.positive_tokens()))
    for raw, link, heading in candidates:
        raw = raw[:MAX_SOURCE_CHARS]
        # A prefilter match never spans whitespace: looking in the raw text spares most
        # passages the whitespace clean-up below.
        if prefilter is not None and not prefilter.found_in(raw) and not BEYOND_CLASSES.search(raw):
            # None of the query's words can be here (the first passage stays the fallback).
            if best is None:
                best, best_key = (" ".join(raw.split()), set(), link, heading, False), (0, 0)
            continue
        # Paragraph breaks become spaces: a snippet is one run of text.
        source = " ".join(raw.split())
        cut, stop = 0, len(source)
        if prefilter is not None and not BEYOND_CLASSES.search(source):
            found, last = prefilter.search(source), prefilter.last_end(source)
            # No query word starts before the first match of the prefilter: the text before it
            # (but a few words of context) need not be read.
            cut = source.rfind(" ", 0, max(0, found[0] - CONTEXT_CHARS)) + 1
            # Nor after the run of text (up to a space) holding its last match: the rest is not
            # read to find the hits (the highlighted window may reach into it).
            stop = source.find(" ", last)
            stop = len(source) if stop < 0 else stop
        hits, items = _matches(text.index_terms(source[cut:stop]), parsed)
        if cut and not hits:
            cut = 0  # no hit after all (a prefilter match is not a word): the passage from its start
        elif cut and min(hits) < WINDOW_LEAD:
            # Fewer words before the first hit than the window shows: read the text before the cut.
            cut = 0
            hits, items = _matches(text.index_terms(source[:stop]), parsed)
        key = (items, len(hits))
        if key > best_key:
            best, best_key = (source[cut:], hits, link, heading, cut > 0), key
        if items == len(wanted):
            break  # every query word is here: good enough, spare reading the rest
    if best is None:
        return Snippet(mark_safe(""), url)
    source, hits, link, heading, cut = best
    html = _highlight(source, hits)
    return Snippet(mark_safe("…" + html) if cut and not html.startswith("…") else html, link, heading)
