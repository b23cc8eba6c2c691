"""A deterministic, French-like synthetic archive for benchmarks (``manage.py generate_corpus``).

Everything derives from one seed: a vocabulary of invented but French-sounding words (accents
included) drawn with Zipf frequencies and mixed with real French function words; companies with
Zipf popularity and pairs that are often cited together; articles of 2–6 sections with headings,
related links, publication dates over twenty years, a few drafts and scheduled pieces.

The search terms the benchmark uses are chosen *before* generation from the generator's own
distributions (a word of Zipf probability ``p`` appears in an article of ``L`` content words with
probability ``1 - (1 - p) ** L``), so ``bench`` can recompute them from the seed alone; their
actual document frequencies are counted during generation and printed in the fingerprint.

Loading is streamed in batches (memory stays flat whatever the size): COPY through psycopg on
PostgreSQL, ``executemany`` in large transactions on SQLite, ``bulk_create`` elsewhere. The
search index is then rebuilt once, in bulk (``rebuild_search_index``), instead of per article.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils.text import slugify

from .models import Article, Company, CompanyAlias, RelatedLink, Section, TaggedCompany

# Publication dates are spread over the twenty years before this fixed instant, so a seed gives
# the same archive whatever the day; only scheduled pieces are placed relative to "now".
ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)
YEARS = 20
SPAN_SECONDS = YEARS * 365 * 24 * 3600

VOCABULARY_SIZE = 30_000
ZIPF_EXPONENT = 1.0
FUNCTION_WORD_SHARE = 0.42
DRAFT_SHARE = 0.02
SCHEDULED_SHARE = 0.01
NO_MATCH_TERM = "xylophraquiste"  # "x", "y", "q" never occur in generated words

# Real French function words, most frequent first (they follow their own Zipf law).
FUNCTION_WORDS = [
    "de",
    "la",
    "le",
    "et",
    "les",
    "des",
    "à",
    "en",
    "un",
    "une",
    "du",
    "pour",
    "que",
    "qui",
    "dans",
    "sur",
    "au",
    "par",
    "est",
    "pas",
    "plus",
    "ne",
    "se",
    "avec",
    "ce",
    "il",
    "elle",
    "sont",
    "son",
    "sa",
    "ses",
    "ont",
    "aux",
    "cette",
    "mais",
    "ou",
    "nous",
    "leur",
    "leurs",
    "comme",
    "été",
    "tout",
    "même",
    "aussi",
    "bien",
    "après",
    "entre",
    "sans",
    "sous",
    "ces",
    "dont",
    "où",
    "car",
    "donc",
    "encore",
    "déjà",
    "très",
    "être",
]

_ONSETS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "j",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "ch",
    "gr",
    "tr",
    "pl",
    "br",
    "cr",
    "fl",
    "pr",
    "dr",
    "gl",
    "vr",
]
_VOWELS = [
    "a",
    "e",
    "i",
    "o",
    "u",
    "a",
    "e",
    "i",
    "o",
    "é",
    "è",
    "ou",
    "ai",
    "au",
    "eu",
    "on",
    "an",
    "in",
    "oi",
    "ê",
    "ô",
]
_ENDINGS = [
    "",
    "e",
    "é",
    "er",
    "ée",
    "ment",
    "tion",
    "ité",
    "eur",
    "age",
    "ance",
    "ique",
    "oir",
    "eux",
    "ette",
    "al",
    "ière",
]
_ACCENTS = set("éèêàâîôûç")


def zipf_cumulative(n: int, exponent: float = ZIPF_EXPONENT) -> list[float]:
    """Cumulative weights of a Zipf law over ranks 1..n (for ``random.choices``)."""
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, n + 1)))


_FOLD = str.maketrans("éèêëàâäîïôöûùüç", "eeeeaaaiioouuuc")


def strip_accents(text: str) -> str:
    """ "Société" -> "Societe" (fast path for the generator's own letters, Unicode for the rest)."""
    folded = text.translate(_FOLD)
    if folded.isascii():
        return folded
    return "".join(c for c in unicodedata.normalize("NFD", folded) if unicodedata.category(c) != "Mn")


@functools.lru_cache(maxsize=4)
def build_vocabulary(seed: int, size: int = VOCABULARY_SIZE) -> tuple[str, ...]:
    """``size`` distinct invented words, most frequent first; each has its own root.

    One word per root and per accent-free spelling, so a French stemmer or an accent-folding
    search does not merge two vocabulary words into one term.
    """
    rng = random.Random(f"vocabulary-{seed}")
    words: list[str] = []
    roots: set[str] = set()
    folded: set[str] = set()
    function_words = set(FUNCTION_WORDS)
    while len(words) < size:
        syllables = rng.choice((2, 2, 3, 3, 3, 4)) if len(words) > 200 else rng.choice((1, 2, 2))
        root = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
        word = root + rng.choice(_ENDINGS)
        key = strip_accents(root)
        if key in roots or strip_accents(word) in folded or word in function_words or len(word) < 4:
            continue
        roots.add(key)
        folded.add(strip_accents(word))
        words.append(word)
    return tuple(words)


def build_company_names(seed: int, count: int) -> list[str]:
    """``count`` invented company names ("Brévalis", "Groupe Tramion", "Vantrique Labs"...)."""
    rng = random.Random(f"companies-{seed}")
    prefixes = ("", "", "", "", "Groupe ", "Société ")
    suffixes = ("", "", "", " Labs", " Systèmes", " Technologies", " AI", " Cloud", " & Cie", " Réseaux")
    stems = ["is", "ia", "ex", "on", "ium", "ys", "ora", "eo", "ane", "ix"]
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        root = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.choice((1, 2, 2, 3))))
        name = f"{rng.choice(prefixes)}{root.capitalize()}{rng.choice(stems)}{rng.choice(suffixes)}"
        key = slugify(name)
        if key in seen or not key:
            continue
        seen.add(key)
        names.append(name)
    return names


@dataclass
class Layout:
    """The shape of generated articles: how many sections, paragraphs, sentences and words."""

    sections: tuple[int, int] = (2, 6)
    paragraphs: tuple[int, int] = (1, 3)
    sentences: tuple[int, int] = (3, 5)
    words: tuple[int, int] = (8, 18)
    title_words: tuple[int, int] = (5, 9)
    standfirst_words: tuple[int, int] = (18, 32)
    heading_words: tuple[int, int] = (3, 6)


@dataclass
class TermChoice:
    term: str
    expected_share: float  # expected share of articles containing it
    counted: int = 0  # articles actually containing it (counted during generation)


@dataclass
class Plan:
    """Everything that follows from (seed, size): vocabulary, companies, search terms."""

    seed: int
    articles: int
    vocabulary: tuple[str, ...]
    cumulative: list[float]
    companies: list[str]
    company_cumulative: list[float]
    pairs: list[tuple[int, int]]
    phrases: list[tuple[str, str]]
    terms: dict[str, TermChoice] = field(default_factory=dict)
    layout: Layout = field(default_factory=Layout)


PHRASE_SHARE = 0.03  # each planted collocation appears in about 3% of articles


def content_lengths(layout: Layout, seed: int, sample: int = 4000) -> list[int]:
    """A sample of content-word counts per article, from the same layout the generator uses."""
    rng = random.Random(f"lengths-{seed}")
    share = 1 - FUNCTION_WORD_SHARE
    lengths = []
    for _ in range(sample):
        words = rng.randint(*layout.title_words) + rng.randint(*layout.standfirst_words)
        for position in range(rng.randint(*layout.sections)):
            if position:
                words += rng.randint(*layout.heading_words)
            for _ in range(rng.randint(*layout.paragraphs)):
                for _ in range(rng.randint(*layout.sentences)):
                    words += rng.randint(*layout.words)
        lengths.append(round(words * share))
    return lengths


def document_share(probability: float, lengths: Counter) -> float:
    """Expected share of articles containing a word drawn with ``probability`` per content word.

    ``lengths`` counts sampled articles by their number of content words.
    """
    total = sum(lengths.values())
    return sum(n * (1 - (1 - probability) ** length) for length, n in lengths.items()) / total


def make_plan(*, articles: int, seed: int = 42) -> Plan:
    """Derive the vocabulary, the companies and the benchmark's search terms from the seed."""
    vocabulary = build_vocabulary(seed)
    cumulative = zipf_cumulative(len(vocabulary))
    company_count = max(20, min(5000, articles // 100))
    companies = build_company_names(seed, company_count)
    company_cumulative = zipf_cumulative(company_count, 1.1)
    rng = random.Random(f"plan-{seed}")
    top = min(40, company_count)
    pairs = sorted({tuple(sorted(rng.sample(range(top), 2))) for _ in range(max(3, top // 2))})
    # Collocations come from mid-frequency words so the phrase is rarer than either word.
    phrases = [(vocabulary[rng.randrange(300, 1500)], vocabulary[rng.randrange(300, 1500)]) for _ in range(5)]
    plan = Plan(
        seed=seed,
        articles=articles,
        vocabulary=vocabulary,
        cumulative=cumulative,
        companies=companies,
        company_cumulative=company_cumulative,
        pairs=pairs,
        phrases=phrases,
    )
    plan.terms = choose_terms(plan)
    return plan


def choose_terms(plan: Plan) -> dict[str, TermChoice]:
    """Pick a word per frequency class from the known Zipf law and article lengths."""
    lengths = Counter(content_lengths(plan.layout, plan.seed))
    content_total = plan.cumulative[-1]

    def share_of(rank: int) -> float:
        probability = (1.0 / (rank + 1) ** ZIPF_EXPONENT) / content_total
        return document_share(probability, lengths)

    def closest(target: float, accented: bool | None = None) -> tuple[int, float]:
        # Document share falls with rank: binary search the rank, then look nearby for a word
        # with the wanted spelling (accented or not).
        low, high = 0, len(plan.vocabulary) - 1
        while low < high:
            middle = (low + high) // 2
            if share_of(middle) > target:
                low = middle + 1
            else:
                high = middle
        for offset in range(0, 400):
            for rank in (low + offset, low - offset):
                if 0 <= rank < len(plan.vocabulary):
                    word = plan.vocabulary[rank]
                    has_accent = bool(_ACCENTS & set(word))
                    if accented is None or has_accent == accented:
                        return rank, share_of(rank)
        return low, share_of(low)

    rare_rank, rare_share = closest(0.001, accented=False)
    typical_rank, typical_share = closest(0.07, accented=False)
    common_rank, common_share = closest(0.60, accented=False)
    accent_rank, accent_share = closest(0.02, accented=True)
    first, second = plan.phrases[0]
    return {
        "rare": TermChoice(plan.vocabulary[rare_rank], rare_share),
        "typical": TermChoice(plan.vocabulary[typical_rank], typical_share),
        "common": TermChoice(plan.vocabulary[common_rank], common_share),
        "phrase": TermChoice(f"{first} {second}", PHRASE_SHARE),
        "no_match": TermChoice(NO_MATCH_TERM, 0.0),
        # Typed without its accents: an accent-insensitive search finds the accented word.
        "accent_variant": TermChoice(strip_accents(plan.vocabulary[accent_rank]), accent_share),
    }


# --- Generation ------------------------------------------------------------------------------


@dataclass
class Batch:
    articles: list[tuple] = field(default_factory=list)
    sections: list[tuple] = field(default_factory=list)
    links: list[tuple] = field(default_factory=list)
    tags: list[tuple] = field(default_factory=list)


@dataclass
class Counts:
    published: int = 0
    drafts: int = 0
    scheduled: int = 0
    sections: int = 0
    links: int = 0
    tags: int = 0
    words: int = 0


class Generator:
    """Stream batches of rows (plain tuples in column order) for articles ``1..plan.articles``."""

    def __init__(self, plan: Plan, *, now: datetime, first_id: int = 1):
        self.plan = plan
        self.now = now
        self.first_id = first_id
        self.rng = random.Random(f"articles-{plan.seed}")
        self.counts = Counts()
        self.company_hits = [0] * len(plan.companies)
        vocabulary = plan.vocabulary
        # One population for words: function words first, then content words, weights merged
        # so one ``choices`` call draws both with the right shares.
        function_cumulative = zipf_cumulative(len(FUNCTION_WORDS), 1.0)
        function_scale = FUNCTION_WORD_SHARE / function_cumulative[-1]
        content_scale = (1 - FUNCTION_WORD_SHARE) / plan.cumulative[-1]
        self.population = FUNCTION_WORDS + list(vocabulary)
        self.weights = [w * function_scale for w in function_cumulative] + [
            FUNCTION_WORD_SHARE + w * content_scale for w in plan.cumulative
        ]
        self.title_population = vocabulary[50:8000]
        self.title_weights = zipf_cumulative(len(self.title_population), 0.8)
        # Terms whose document frequency is counted as articles are generated; the accent variant
        # is counted through the accented word it stands for.
        self.watch = {plan.terms[name].term: name for name in ("rare", "typical", "common")}
        accent = plan.terms["accent_variant"].term
        self.watch[next(w for w in vocabulary if strip_accents(w) == accent)] = "accent_variant"
        self.bylines = [
            f"{first} {last}"
            for first, last in itertools.product(
                ["Claire", "Julien", "Sophie", "Mehdi", "Camille", "Lucas", "Inès", "Thomas", "Léa", "Hugo"],
                ["Dubois", "Martin", "Lefèvre", "Moreau", "Garnier", "Roux", "Fontaine", "Chevalier"],
            )
        ]

    # Text -------------------------------------------------------------------------------------

    def words(self, count: int) -> list[str]:
        return self.rng.choices(self.population, cum_weights=self.weights, k=count)

    def sentence(self, count: int) -> str:
        words = self.words(count)
        if count > 9 and self.rng.random() < 0.4:
            words[self.rng.randrange(3, count - 3)] += ","
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, companies: list[str]) -> str:
        rng, layout = self.rng, self.plan.layout
        sentences = [self.sentence(rng.randint(*layout.words)) for _ in range(rng.randint(*layout.sentences))]
        if companies and rng.random() < 0.5:
            sentences.append(f"{rng.choice(companies)} {' '.join(self.words(rng.randint(5, 10)))}.")
        return " ".join(sentences)

    def heading(self) -> str:
        words = self.rng.choices(self.title_population, cum_weights=self.title_weights, k=self.rng.randint(3, 6))
        text = " ".join(words)
        return text[0].upper() + text[1:]

    def pick_companies(self) -> list[int]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            return []
        chosen: set[int] = set()
        if roll < 0.40:
            chosen.update(rng.choice(self.plan.pairs))
        n = len(self.plan.companies)
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            chosen.add(bisect.bisect(self.plan.company_cumulative, rng.random() * self.plan.company_cumulative[-1]))
        return sorted(min(index, n - 1) for index in chosen)

    # Rows -------------------------------------------------------------------------------------

    def batches(self, size: int) -> Iterator[Batch]:
        batch = Batch()
        term_counts = self.term_counts = dict.fromkeys(self.plan.terms, 0)
        phrase = self.plan.terms["phrase"].term
        plan, rng, layout = self.plan, self.rng, self.plan.layout
        last = self.first_id + plan.articles
        for article_id in range(self.first_id, last):
            company_indexes = self.pick_companies()
            company_names = [plan.companies[i] for i in company_indexes]
            title_words = rng.choices(
                self.title_population, cum_weights=self.title_weights, k=rng.randint(*layout.title_words)
            )
            if company_names:
                title_words.insert(rng.randrange(len(title_words)), company_names[0])
            title = " ".join(title_words)
            title = title[0].upper() + title[1:]
            standfirst = self.sentence(rng.randint(*layout.standfirst_words))
            sections = []
            for position in range(1, rng.randint(*layout.sections) + 1):
                heading = self.heading() if position > 1 else ""
                body = "\n".join(self.paragraph(company_names) for _ in range(rng.randint(*layout.paragraphs)))
                sections.append((position, heading, body))
            for first, second in plan.phrases:
                if rng.random() < PHRASE_SHARE:
                    position, heading, body = sections[rng.randrange(len(sections))]
                    body = f"{body} {first.capitalize()} {second} {' '.join(self.words(6))}."
                    sections[position - 1] = (position, heading, body)
            text = " ".join((title, standfirst, *(s[1] + " " + s[2] for s in sections)))
            tokens = set(text.replace(",", " ").replace(".", " ").lower().split())
            for word, name in self.watch.items():
                if word in tokens:
                    term_counts[name] += 1
            if phrase in text.lower():
                term_counts["phrase"] += 1
            self.counts.words += len(text.split())

            roll = rng.random()
            created = ANCHOR - timedelta(seconds=SPAN_SECONDS * (1 - (article_id - self.first_id) / plan.articles))
            created += timedelta(seconds=rng.randrange(3600))
            if roll < DRAFT_SHARE:
                status, published_at = Article.Status.DRAFT, None
                self.counts.drafts += 1
            elif roll < DRAFT_SHARE + SCHEDULED_SHARE:
                status = Article.Status.PUBLISHED
                published_at = self.now + timedelta(days=rng.randint(1, 60), minutes=rng.randrange(1440))
                self.counts.scheduled += 1
            else:
                status, published_at = Article.Status.PUBLISHED, created
                self.counts.published += 1
                for index in company_indexes:
                    self.company_hits[index] += 1
            slug = f"{slugify(' '.join(title_words[:6]))[:80].strip('-')}-{article_id}"
            byline = self.bylines[article_id % len(self.bylines)]
            batch.articles.append(
                (article_id, title, slug, standfirst, byline, status, published_at, created, created, 1)
            )
            anchors: set[str] = set()
            for position, heading, body in sections:
                anchor = ""
                if heading:
                    anchor = slugify(heading)[:90].strip("-") or "section"
                    if anchor in anchors:
                        anchor = f"{anchor[:85]}-{position}"
                    anchors.add(anchor)
                batch.sections.append((article_id, position, heading, anchor, body))
            for index in company_indexes:
                batch.tags.append((article_id, index))
            for position in range(1, rng.choice((0, 0, 1, 2, 3)) + 1):
                if article_id > self.first_id and rng.random() < 0.7:
                    target = rng.randrange(max(self.first_id, article_id - 5000), article_id)
                    batch.links.append((article_id, position, "", target, ""))
                else:
                    domain = slugify(rng.choice(plan.vocabulary[:3000]))
                    url = f"https://www.{domain}.fr/{slug[:40]}"
                    batch.links.append((article_id, position, self.heading(), None, url))
            if len(batch.articles) >= size:
                self.account(batch)
                yield batch
                batch = Batch()
        if batch.articles:
            self.account(batch)
            yield batch

    def account(self, batch: Batch) -> None:
        self.counts.sections += len(batch.sections)
        self.counts.links += len(batch.links)
        self.counts.tags += len(batch.tags)


# --- Loading ---------------------------------------------------------------------------------


def _columns(model, names: list[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in names]


ARTICLE_FIELDS = [
    "id",
    "title",
    "slug",
    "standfirst",
    "byline",
    "status",
    "published_at",
    "created_at",
    "updated_at",
    "version",
]
SECTION_FIELDS = ["article", "position", "heading", "anchor", "body"]
LINK_FIELDS = ["article", "position", "title", "target", "url"]
TAG_FIELDS = ["content_object", "tag"]


class Loader:
    """Write generated rows with the fastest path the database offers."""

    def __init__(self, company_ids: list[int]):
        self.company_ids = company_ids
        self.vendor = connection.vendor

    def tables(self):
        return [
            (Article, ARTICLE_FIELDS, "articles"),
            (Section, SECTION_FIELDS, "sections"),
            (TaggedCompany, TAG_FIELDS, "tags"),
            (RelatedLink, LINK_FIELDS, "links"),
        ]

    def write(self, batch: Batch) -> None:
        batch.tags = [(article_id, self.company_ids[index]) for article_id, index in batch.tags]
        with transaction.atomic():
            for model, fields, attribute in self.tables():
                rows = getattr(batch, attribute)
                if rows:
                    self.write_rows(model, fields, rows)

    def write_rows(self, model, fields: list[str], rows: list[tuple]) -> None:
        table = connection.ops.quote_name(model._meta.db_table)
        columns = _columns(model, fields)
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        elif self.vendor == "sqlite":
            placeholders = ", ".join("?" for _ in columns)
            raw = connection.connection
            adapt = connection.ops.adapt_datetimefield_value
            converted = [tuple(adapt(v) if isinstance(v, datetime) else v for v in row) for row in rows]
            raw.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", converted)
        else:  # any other backend: the ORM's bulk path
            objects = [model(**{_attname(model, n): v for n, v in zip(fields, row, strict=True)}) for row in rows]
            model.objects.bulk_create(objects, batch_size=2000)


def _attname(model, name: str) -> str:
    return model._meta.get_field(name).attname


def reset_sequences() -> None:
    """After explicit ids, make the next ``INSERT`` pick up after the largest one (PostgreSQL)."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(
        no_style(), [Article, Section, RelatedLink, TaggedCompany, Company, CompanyAlias]
    )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def create_companies(plan: Plan) -> list[int]:
    """Insert the plan's companies (and a few aliases); return their ids in plan order."""
    rng = random.Random(f"company-rows-{plan.seed}")
    objects = [
        Company(
            name=name,
            slug=slugify(name),
            description=f"{name} : {' '.join(rng.choices(plan.vocabulary[:5000], k=12))}.",
            website=f"https://www.{slugify(name)}.fr",
        )
        for name in plan.companies
    ]
    Company.objects.bulk_create(objects, batch_size=1000)
    ids = dict(Company.objects.filter(slug__in=[o.slug for o in objects]).values_list("slug", "id"))
    company_ids = [ids[o.slug] for o in objects]
    aliases, seen = [], {name.lower() for name in plan.companies}
    for index in range(min(50, len(plan.companies))):
        alias = f"le groupe {plan.vocabulary[index + 100]}"
        if alias.lower() not in seen:
            seen.add(alias.lower())
            aliases.append(CompanyAlias(company_id=company_ids[index], name=alias))
    CompanyAlias.objects.bulk_create(aliases)
    return company_ids


def flush_archive() -> None:
    """Delete every article and company (the generator starts from an empty archive)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = [
                m._meta.db_table
                for m in (RelatedLink, Section, TaggedCompany, Article, CompanyAlias, Company)
                if m._meta.db_table
            ]
            from django.apps import apps

            # Tables that point at articles (slug redirects, search index...) go with them.
            existing = set(connection.introspection.table_names())
            for model in apps.get_app_config("articles").get_models():
                if model._meta.db_table not in tables and model._meta.db_table in existing:
                    tables.append(model._meta.db_table)
            quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
            with connection.cursor() as cursor:
                # Deferred foreign-key checks still pending in this transaction (rows written
                # earlier in it) must run first: PostgreSQL refuses to truncate under them.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {quoted} CASCADE")
        else:
            RelatedLink.objects.all().delete()
            Section.objects.all().delete()
            TaggedCompany.objects.all().delete()
            Article.objects.all()._raw_delete(Article.objects.db)
            CompanyAlias.objects.all().delete()
            Company.objects.all().delete()


def rebuild_search_index(log: Callable[[str], None]) -> bool:
    """Rebuild the whole search index in bulk; False when the project has no such command yet."""
    from django.core.management import call_command, get_commands

    if "rebuild_search_index" not in get_commands():
        log("Index de recherche : commande rebuild_search_index absente, étape sautée.")
        return False
    call_command("rebuild_search_index")
    return True


@dataclass
class Result:
    plan: Plan
    counts: Counts
    companies: int
    popular_company: str
    rare_company: str
    seconds: dict[str, float]


def generate(
    *,
    articles: int,
    seed: int = 42,
    batch_size: int = 2000,
    now: datetime | None = None,
    reindex: bool = True,
    log: Callable[[str], None] = print,
) -> Result:
    """Fill an empty archive with ``articles`` generated articles; return the fingerprint data."""
    from . import cache as page_cache
    from . import tallies

    if Article.objects.exists() or Company.objects.exists():
        raise ValueError("L'archive n'est pas vide : relancez avec --flush pour la remplacer.")
    started = time.monotonic()
    plan = make_plan(articles=articles, seed=seed)
    company_ids = create_companies(plan)
    generator = Generator(plan, now=now or datetime.now(UTC))
    loader = Loader(company_ids)
    sqlite = connection.vendor == "sqlite"
    # SQLite refuses to change its safety level inside a transaction (e.g. in a test case).
    relax = sqlite and not connection.in_atomic_block
    if relax:
        with connection.cursor() as cursor:
            # Bulk load: no fsync per transaction (the file is rebuilt from the seed if lost).
            cursor.execute("PRAGMA synchronous=OFF")
    done = 0
    report_every = max(batch_size, articles // 10)
    for batch in generator.batches(batch_size):
        loader.write(batch)
        done += len(batch.articles)
        if done % report_every < len(batch.articles) or done == articles:
            log(f"  {done:>9,} articles écrits ({time.monotonic() - started:.0f} s)")
    reset_sequences()
    if sqlite:
        with connection.cursor() as cursor:
            if relax:
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("ANALYZE")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    tallies.rebuild(batch_size=batch_size)
    loaded = time.monotonic()
    if reindex:
        rebuild_search_index(log)
    page_cache.purge_articles()
    finished = time.monotonic()
    for name, choice in plan.terms.items():
        choice.counted = generator.term_counts.get(name, 0)
    hits = generator.company_hits
    popular = max(range(len(hits)), key=hits.__getitem__)
    cited = [i for i in range(len(hits)) if hits[i] > 0]
    rare = min(cited, key=lambda i: (hits[i], i)) if cited else popular
    return Result(
        plan=plan,
        counts=generator.counts,
        companies=len(company_ids),
        popular_company=slugify(plan.companies[popular]),
        rare_company=slugify(plan.companies[rare]),
        seconds={
            "load": round(loaded - started, 1),
            "index": round(finished - loaded, 1),
            "total": round(finished - started, 1),
        },
    )


def fingerprint(result: Result) -> dict:
    """The numbers ``generate_corpus`` prints and ``bench`` reads: counts and chosen terms."""
    counts = result.counts
    total = result.plan.articles
    return {
        "seed": result.plan.seed,
        "articles": total,
        "published": counts.published,
        "drafts": counts.drafts,
        "scheduled": counts.scheduled,
        "sections": counts.sections,
        "related_links": counts.links,
        "company_citations": counts.tags,
        "companies": result.companies,
        "words": counts.words,
        "popular_company": result.popular_company,
        "rare_company": result.rare_company,
        "terms": {
            name: {
                "term": choice.term,
                "expected_share": round(choice.expected_share, 5),
                "articles": choice.counted,
                "share": round(choice.counted / total, 5) if total else 0.0,
            }
            for name, choice in result.plan.terms.items()
        },
        "seconds": result.seconds,
    }


def corpus_terms(seed: int = 42, articles: int = 100_000) -> dict[str, str]:
    """The search term of each class for a corpus made with ``seed`` (no database needed)."""
    plan = make_plan(articles=articles, seed=seed)
    return {name: choice.term for name, choice in plan.terms.items()}
