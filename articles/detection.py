"""Company detection: which companies an article mentions, by name or alias, and how often.

Matching is done on a *normalised* copy of the text and of every name and alias:

- case and accents are ignored ("societe generale" finds "Société Générale");
- typographic apostrophes and quotes count as straight ones, so elisions are understood:
  "l'OpenAI", "d’Apple", "qu'Nvidia" all mention the company (the apostrophe ends a word);
- a name matches whole words only: "Apple" is not found in "Applebee" nor "Meta" in
  "métavers", while "Microsoft-OpenAI" mentions both (a hyphen separates words);
- an alias that opens with a French article ("le groupe de Redmond", "l'éditeur de Windows")
  also matches without it, so "du groupe de Redmond" or "cet éditeur de Windows" count;
- overlapping names count once, the longest wins: "le groupe de Redmond" is one mention of
  Microsoft, not two (the alias "Redmond" is inside it).

Companies and aliases are loaded in two queries and compiled into one regular expression
(an alternation, longest terms first); a text is then scanned once whatever the size of the pool.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .models import Article, Company, CompanyAlias
from .search.text import APOSTROPHES, LETTER_APOSTROPHES, unaccent

# Apostrophes and quotation marks writers and word processors produce, folded to ASCII.
_APOSTROPHES = dict.fromkeys(map(ord, (APOSTROPHES + LETTER_APOSTROPHES).replace("'", "")), "'")
_QUOTES = dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033"), '"')
# Hyphens and dashes that are not the ASCII hyphen-minus.
_HYPHENS = dict.fromkeys(map(ord, "\u2010\u2011\u2012"), "-")
_TRANSLATION = {**_APOSTROPHES, **_QUOTES, **_HYPHENS}
_SPACES = re.compile(r"\s+")

# French articles an alias may open with; the alias also matches without them.
_LEADING_ARTICLE = re.compile(r"^(?:(?:le|la|les) +|l')(?=\w)")


def normalise(text: str) -> str:
    """Fold ``text`` for comparison: lower case, no accents, ASCII quotes, single spaces.

    "L’Éditeur  de Windows" gives "l'editeur de windows". Case, accents and ligatures ("Œuvre"
    → "oeuvre") are folded as the search index folds them (``search.text.unaccent``); quotes,
    apostrophes and spaces are folded here, since detection reads elisions and word boundaries.
    """
    return _SPACES.sub(" ", unaccent(text.translate(_TRANSLATION))).strip()


def search_terms(name: str) -> set[str]:
    """The normalised forms under which a name or alias is searched."""
    term = normalise(name)
    terms = {term} if term else set()
    bare = _LEADING_ARTICLE.sub("", term)
    if bare and bare != term:
        terms.add(bare)
    return terms


@dataclass(frozen=True)
class Mention:
    """A company found in a text, with the number of times it is mentioned."""

    company_id: int
    name: str
    slug: str
    count: int


@lru_cache(maxsize=8)
def _compile(terms: tuple[str, ...]) -> re.Pattern | None:
    if not terms:
        return None
    # Longest first, so that "le groupe de redmond" wins over "redmond" at the same place.
    alternation = "|".join(re.escape(term) for term in sorted(terms, key=lambda t: (-len(t), t)))
    # \w boundaries: an apostrophe, a hyphen or a space ends a word, a letter or digit does not.
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")


class CompanyDetector:
    """Finds companies in texts; build one with ``from_database()`` and reuse it for many texts."""

    def __init__(self, companies: list[tuple[int, str, str]], aliases: list[tuple[int, str]]):
        """``companies``: (pk, name, slug) triples; ``aliases``: (company pk, alias) pairs."""
        self.companies = {pk: (name, slug) for pk, name, slug in companies}
        self.owner: dict[str, int] = {}
        # Names before aliases: if an alias of one company is another company's name, the name wins.
        for pk, name, _slug in companies:
            for term in search_terms(name):
                self.owner.setdefault(term, pk)
        for company_id, alias in aliases:
            if company_id in self.companies:
                for term in search_terms(alias):
                    self.owner.setdefault(term, company_id)
        self.pattern = _compile(tuple(sorted(self.owner)))

    @classmethod
    def from_database(cls) -> CompanyDetector:
        """Load every company and alias, in two queries."""
        return cls(
            list(Company.objects.values_list("pk", "name", "slug")),
            list(CompanyAlias.objects.values_list("company_id", "name")),
        )

    def count(self, text: str) -> Counter:
        """Mentions per company primary key in ``text``."""
        counts: Counter = Counter()
        if self.pattern is None or not text:
            return counts
        for match in self.pattern.finditer(normalise(text)):
            counts[self.owner[match.group(0)]] += 1
        return counts

    def mentions(self, text: str) -> list[Mention]:
        """Companies mentioned in ``text``, most mentioned first, then by name."""
        found = [
            Mention(company_id=pk, name=self.companies[pk][0], slug=self.companies[pk][1], count=n)
            for pk, n in self.count(text).items()
        ]
        return sorted(found, key=lambda m: (-m.count, normalise(m.name)))


def article_text(article: Article) -> str:
    """Everything of an article a company can be mentioned in: title, standfirst, sections.

    Related-reading titles are left out: they name *other* articles' subjects.
    """
    parts = [article.title, article.standfirst]
    for section in article.sections.all():
        parts.extend([section.heading, section.body])
    return "\n".join(part for part in parts if part)


def untagged_mentions(article: Article, *, detector: CompanyDetector | None = None) -> list[Mention]:
    """Companies ``article`` mentions but is not tagged with, most mentioned first."""
    detector = detector or CompanyDetector.from_database()
    tagged = set(article.tagged_companies.values_list("tag_id", flat=True))
    return [mention for mention in detector.mentions(article_text(article)) if mention.company_id not in tagged]
