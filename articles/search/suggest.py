"""Typo suggestions ("Vouliez-vous dire : Microsoft ?") from the archive's own vocabulary.

The vocabulary (``SearchTerm``) holds every word of four letters or more met while indexing,
and every word of company names and aliases. A query word missing from it is compared with
a bounded set of candidates: words of similar length (±2) that share its first three or its
last three letters, at most a few hundred, fetched through two indexes; the closest by
Damerau-Levenshtein distance wins (companies, then frequent words, first on a tie). The
same SQL and the same Python run on both databases, so suggestions are the same on both.
"""

import re

from django.db.models import Q

from ..models import SearchTerm
from . import text
from .query import ParsedQuery

MAX_WORDS = 4
MAX_CANDIDATES = 400


def distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment): "microsfot" / "microsoft" → 1."""
    previous2 = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _closest(word: str) -> SearchTerm | None:
    n = len(word)
    candidates = SearchTerm.objects.filter(
        Q(prefix=word[:3]) | Q(suffix=word[-3:]), length__gte=n - 2, length__lte=n + 2
    ).order_by("-is_company", "-frequency", "term")[:MAX_CANDIDATES]
    limit = 1 if n <= 5 else 2
    best, best_key = None, None
    for candidate in candidates:
        d = distance(word, candidate.term)
        if d == 0 or d > limit:
            continue
        key = (d, not candidate.is_company, -candidate.frequency, candidate.term)
        if best_key is None or key < best_key:
            best, best_key = candidate, key
    return best


def suggest(parsed: ParsedQuery) -> str | None:
    """The query with its unknown words replaced by the closest known ones, or None."""
    words = []
    for item in parsed.positive_items():
        if item.quoted or len(item.words) != 1:
            continue
        word = item.words[0]
        if len(word) >= 4 and word.isalpha() and word.isascii() and word not in words:
            words.append(word)
    words = words[:MAX_WORDS]
    if not words:
        return None
    known = set(SearchTerm.objects.filter(term__in=words).values_list("term", flat=True))
    replacements = {}
    for word in words:
        if word in known:
            continue
        found = _closest(word)
        if found is not None:
            replacements[word] = found.display
    if not replacements:
        return None

    def replace(match):
        original = match.group()
        plain = text.unaccent(original)
        return replacements.get(plain, original)

    return re.sub(r"[^\W_]+", replace, parsed.raw)
