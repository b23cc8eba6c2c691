"""The reader's query language, parsed once and rendered for each backend.

Syntax (lenient: any string parses, nothing raises):

- words are all required: ``microsoft accord``;
- ``"a phrase in quotes"`` (straight quotes, « guillemets » or “curly quotes”) must appear as
  written; an unclosed quote runs to the end of the query;
- ``-word`` or ``-"a phrase"`` excludes articles containing it;
- ``OR`` (or ``OU``) in capitals between two words or phrases accepts either:
  ``openai OR anthropic accord`` means (openai or anthropic) and accord;
- a word that normalises to several tokens ("Wi-Fi", "AT&T") is searched as a phrase.

Unquoted stop words ("le", "de", "l'") are skipped when the query has other words, so they
never swallow a meaningful query: a query made only of them searches them.

The parsed query renders to a PostgreSQL ``tsquery`` literal and to an FTS5 query made only of
quoted tokens: the reader's characters never reach either query parser.
"""

import re
from dataclasses import dataclass, field

from . import text

MAX_ITEMS = 24
MAX_PHRASE_TOKENS = 16
_OPEN_QUOTES = '"«“„'
_CLOSE_FOR = {'"': '"', "«": "»", "“": "”", "„": "“"}
_NEGATIONS = "-−–"
_OPERATORS_OR = {"OR", "OU"}
_CHUNK_RE = re.compile(r"\S+")


@dataclass(frozen=True)
class Item:
    """A word or a phrase: one or more tokens that must appear in this order, side by side."""

    tokens: tuple[str, ...]
    words: tuple[str, ...]  # the plain (unaccented, unstemmed) words, for suggestions
    quoted: bool = False

    def is_stop_word(self) -> bool:
        return not self.quoted and all(w in text.STOP_WORDS for w in self.words)


@dataclass
class ParsedQuery:
    """Required groups (each an OR of items), and excluded items."""

    groups: list[list[Item]] = field(default_factory=list)
    excluded: list[Item] = field(default_factory=list)
    raw: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def only_exclusions(self) -> bool:
        return not self.groups and bool(self.excluded)

    def positive_tokens(self) -> list[str]:
        """Every token a matching article may contain, each once, in query order (for ranking)."""
        seen = []
        for group in self.groups:
            for item in group:
                seen.extend(t for t in item.tokens if t not in seen)
        return seen

    def positive_items(self) -> list[Item]:
        return [item for group in self.groups for item in group]

    # --- PostgreSQL --------------------------------------------------------------------------

    def to_tsquery(self, *, positions: bool = True) -> str:
        """A tsquery literal: ``('a' | 'b' <-> 'c') & 'd' & !'e'`` (tokens are [a-z0-9]+).

        ``positions=False``: each phrase's words are only required together (``'b' & 'c'``) and
        excluded phrases are left out, so that every match of the exact query matches too; the
        GIN index decides it alone, without reading any document's word positions.
        """
        parts = []
        for group in self.groups:
            rendered = " | ".join(_ts_item(item, positions) for item in group)
            parts.append(f"( {rendered} )" if len(group) > 1 else rendered)
        parts.extend(f"!{_ts_item(item)}" for item in self.excluded if positions or len(item.tokens) == 1)
        return " & ".join(parts)

    @property
    def has_phrase(self) -> bool:
        """Whether some item, wanted or excluded, is several tokens side by side."""
        return any(len(item.tokens) > 1 for item in (*self.positive_items(), *self.excluded))

    def to_tsquery_any(self) -> str:
        """Any positive token, for ranking: partial matches score too."""
        return " | ".join(f"'{t}'" for t in self.positive_tokens())

    # --- SQLite FTS5 -------------------------------------------------------------------------

    def to_fts5(self) -> str:
        """An FTS5 query: ``("a" OR "b c") AND "d" NOT ("e")``; every token double-quoted."""
        parts = []
        for group in self.groups:
            rendered = " OR ".join(_fts_item(item) for item in group)
            parts.append(f"({rendered})")
        query = " AND ".join(parts)
        if self.excluded:
            query = f"({query}) NOT ({' OR '.join(_fts_item(item) for item in self.excluded)})"
        return query


def _ts_item(item: Item, positions: bool = True) -> str:
    if len(item.tokens) == 1:
        return f"'{item.tokens[0]}'"
    return "(" + (" <-> " if positions else " & ").join(f"'{t}'" for t in item.tokens) + ")"


def _fts_item(item: Item) -> str:
    return '"' + " ".join(item.tokens) + '"'


def _make_item(fragment: str, *, quoted: bool) -> Item | None:
    tokens = text.tokenize(fragment)[:MAX_PHRASE_TOKENS]
    if not tokens:
        return None
    return Item(tuple(t.term for t in tokens), tuple(t.plain for t in tokens), quoted)


def _lex(raw: str):
    """Yield (kind, value, negated) with kind in {"word", "phrase", "or"}."""
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c.isspace():
            i += 1
            continue
        negated = False
        if c in _NEGATIONS and i + 1 < n and not raw[i + 1].isspace():
            negated = True
            i += 1
            c = raw[i]
        if c in _OPEN_QUOTES:
            close = _CLOSE_FOR[c]
            end = raw.find(close, i + 1)
            if c == '"' and end == -1:
                end = n
            elif end == -1:
                # « without », or an odd curly quote: accept any closing quote.
                found = [p for p in (raw.find(q, i + 1) for q in '"»”“') if p != -1]
                end = min(found) if found else n
            yield "phrase", raw[i + 1 : end], negated
            i = end + 1
            continue
        match = _CHUNK_RE.match(raw, i)
        chunk = match.group()
        # A quote inside a chunk starts a phrase: stop the word there.
        cut = next((k for k, ch in enumerate(chunk) if ch in _OPEN_QUOTES and k > 0), None)
        if cut is not None:
            chunk = chunk[:cut]
        i += len(chunk)
        if chunk in _OPERATORS_OR and not negated:
            yield "or", chunk, False
        else:
            yield "word", chunk, negated


def parse(raw: str) -> ParsedQuery:
    """Parse what a reader typed; never raises, whatever the input."""
    raw = (raw or "").replace("\x00", " ")
    parsed = ParsedQuery(raw=raw)
    groups: list[list[Item]] = []
    join_next = False
    count = 0
    for kind, value, negated in _lex(raw):
        if count >= MAX_ITEMS:
            break
        if kind == "or":
            join_next = bool(groups)
            continue
        item = _make_item(value, quoted=kind == "phrase")
        if item is None:
            continue
        count += 1
        if negated:
            parsed.excluded.append(item)
            join_next = False
            continue
        if join_next and groups:
            groups[-1].append(item)
        else:
            groups.append([item])
        join_next = False

    # Stop words outside quotes are skipped, unless nothing else would be left.
    meaningful = [g for g in groups if not all(item.is_stop_word() for item in g)]
    parsed.groups = meaningful or groups
    return parsed
