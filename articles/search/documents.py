"""The search document of an article, built once in Python for every backend.

Four weighted fields, each a list of normalised tokens (see ``text``):

=========== ====================================================== ======
field       content                                                weight
=========== ====================================================== ======
title       the title                                              A
companies   each tagged company's name and aliases                 B
extra       the standfirst and the section headings                C
body        the sections' paragraphs, in order                     D
=========== ====================================================== ======

Company names and aliases being part of the document, an article tagged Microsoft is found by
"Microsoft" or "Redmond" even when its text says neither. Drafts and scheduled articles are
indexed too: visibility is decided at query time by ``Article.objects.published()``, so a
scheduled article appears at its time with no reindexing.

Each field is cut to a bounded number of tokens, the same way for both backends, so that
PostgreSQL's position limit (16,383) is never reached and phrases match identically.

Each document also carries a **sort key** (``sort_key``): one integer ordered like the
archive's "most recent first" (publication second, then id), stored next to the tokens by both
backends. It lets a search read the most recent matches of a common word without touching all
of them (see ``backends``).
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..models import Article, Company, CompanyAlias, Section, TaggedCompany
from . import text

FIELDS = ("title", "companies", "extra", "body")
WEIGHTS = {"title": "A", "companies": "B", "extra": "C", "body": "D"}
FIELD_LIMITS = {"title": 200, "companies": 500, "extra": 2_000, "body": 13_000}
# PostgreSQL keeps at most 256 positions per lexeme in a tsvector.
MAX_POSITIONS = 256
MIN_VOCABULARY_LENGTH = 4

# sort_key = publication second * KEY_SCALE + article id: ordered by date, then id, and unique.
# Seconds are clamped to ±2**32 (years 1833 to 2106) so that every key fits in a signed 64-bit
# integer (PostgreSQL bigint, SQLite rowid); drafts, with no date, sort below everything.
KEY_SCALE = 10**9  # ids stay below a billion
MAX_KEY_SECONDS = 2**32
DRAFT_KEY_SECONDS = -(2**32)


def key_seconds(published_at) -> int:
    """The publication second a sort key holds (clamped; drafts lowest)."""
    if published_at is None:
        return DRAFT_KEY_SECONDS
    return max(DRAFT_KEY_SECONDS + 1, min(MAX_KEY_SECONDS, math.floor(published_at.timestamp())))


def sort_key(article_id: int, published_at) -> int:
    """The article's sort key: newer articles have larger keys, and no two articles share one."""
    return key_seconds(published_at) * KEY_SCALE + article_id


def second_floor(key: int) -> int:
    """The smallest key of the same publication second as ``key``: a window starting there holds
    every article published in that second, whatever its id."""
    return (key // KEY_SCALE) * KEY_SCALE


@dataclass
class Document:
    """The tokens of one article's four fields, and the words it adds to the vocabulary."""

    article_id: int
    fields: dict[str, list[str]]
    sort_key: int = 0
    vocabulary: dict[str, tuple[str, bool]] = field(default_factory=dict)  # plain -> (display, is_company)

    def tsvector_literals(self) -> tuple[str, str]:
        """(document, head) as PostgreSQL tsvector literals, with a gap between fields.

        The gap keeps a phrase from spanning two fields, as FTS5 columns do.
        """
        positions: dict[str, list[str]] = defaultdict(list)
        head = ""
        pos = 1
        for name in FIELDS:
            weight = WEIGHTS[name]
            for token in self.fields[name]:
                entries = positions[token]
                if len(entries) < MAX_POSITIONS:
                    entries.append(f"{pos}{weight}")
                pos += 1
            pos += 1
            if name == "extra":
                head = _literal(positions)
        return _literal(positions), head

    def fts_columns(self) -> tuple[str, str, str, str]:
        return tuple(" ".join(self.fields[name]) for name in FIELDS)


def _literal(positions: dict[str, list[str]]) -> str:
    # Tokens are [a-z0-9]+ (see text.py), so quoting them needs no escaping.
    return " ".join(f"'{token}':{','.join(entries)}" for token, entries in positions.items())


def _field_tokens(vocabulary: dict, sources: Iterable[str], limit: int, *, is_company: bool = False) -> list[str]:
    """The tokens of ``sources`` (at most ``limit``), noting new vocabulary words on the way."""
    minimum = 3 if is_company else MIN_VOCABULARY_LENGTH
    normalise = text.normalise
    tokens: list[str] = []
    for source in sources:
        if not source or len(tokens) >= limit:
            continue
        for word in text.index_words(source):
            term, plain = normalise(word)
            if not term:
                continue
            tokens.append(term)
            if len(plain) < minimum or not plain.isalpha() or not plain.isascii():
                continue
            known = vocabulary.get(plain)
            # A company's spelling wins over the same word met in a text.
            if known is None or (is_company and not known[1]):
                vocabulary[plain] = (word if is_company else word.lower(), is_company)
    return tokens[:limit]


def build_documents(article_ids: list[int]) -> tuple[list[Document], set[int]]:
    """Documents for the articles among ``article_ids`` that exist, and the ids that do not.

    Four queries whatever the number of articles (articles, sections, tags, companies with
    aliases), so batches of a thousand cost the same as one.
    """
    rows = list(
        Article.objects.filter(pk__in=article_ids).order_by().values_list("pk", "title", "standfirst", "published_at")
    )
    found = {row[0] for row in rows}
    sections = defaultdict(list)
    for article_id, heading, body in (
        Section.objects.filter(article_id__in=found)
        .order_by("article_id", "position", "id")
        .values_list("article_id", "heading", "body")
    ):
        sections[article_id].append((heading, body))
    tags = defaultdict(list)
    for article_id, company_id in (
        TaggedCompany.objects.filter(content_object_id__in=found)
        .order_by("id")
        .values_list("content_object_id", "tag_id")
    ):
        tags[article_id].append(company_id)
    company_names = company_texts({cid for ids in tags.values() for cid in ids})

    documents = []
    for pk, title, standfirst, published_at in rows:
        vocabulary: dict = {}
        parts = sections[pk]
        names = [name for cid in tags[pk] for name in company_names.get(cid, ())]
        fields = {
            "title": _field_tokens(vocabulary, [title], FIELD_LIMITS["title"]),
            "companies": _field_tokens(vocabulary, names, FIELD_LIMITS["companies"], is_company=True),
            "extra": _field_tokens(vocabulary, [standfirst, *(h for h, _ in parts)], FIELD_LIMITS["extra"]),
            "body": _field_tokens(vocabulary, [b for _, b in parts], FIELD_LIMITS["body"]),
        }
        documents.append(Document(pk, fields, sort_key(pk, published_at), vocabulary))
    return documents, set(article_ids) - found


def company_texts(company_ids: set[int]) -> dict[int, list[str]]:
    """Each company's name then its aliases: what the "companies" field of its articles holds."""
    if not company_ids:
        return {}
    names = {pk: [name] for pk, name in Company.objects.filter(pk__in=company_ids).values_list("pk", "name")}
    for company_id, alias in (
        CompanyAlias.objects.filter(company_id__in=company_ids).order_by("name").values_list("company_id", "name")
    ):
        names[company_id].append(alias)
    return names
