"""What ``manage.py bench`` measures, against which targets, and how it reports.

Two servers run one after the other, both with production settings and ``workers = cores``:

- **uncached**: Django's dummy cache, so every request renders its page (article, home,
  companies, archives, search, JSON search, a static file);
- **cached**: the normal cache (local memory, or Redis with ``--redis-url``), for the article,
  company and search pages served from the page cache.

Each page's window is preceded and followed by a window of the hello-world view H on the same
server; the page's throughput is divided by the mean of those two H windows, so a ratio is
measured within a few seconds and survives a noisy machine. Latencies are wrk's, with as many
connections as workers (each worker busy, no queueing in front of it: latency is service time).

Queries per request are counted in this process with Django's test client on the same
database (uncached, and for cached pages on a second hit), and any query on the session or user
tables is reported. For search, the heaviest query of each class is explained
(``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL, ``EXPLAIN QUERY PLAN`` on SQLite).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import random
import statistics
import subprocess
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from articles import corpus
from articles.models import Article, Company

from .load import LoadResult, run_wrk, wrk_path
from .server import Server, collectstatic, get, production_environment
from .views import HELLO_PATH

DUMMY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}}
ARCHIVE_YEAR, ARCHIVE_MONTH = corpus.ANCHOR.year - 10, 6
SEARCH_CLASSES = ("rare", "typical", "common", "phrase", "no_match", "accent_variant")
ARTICLE_POOL = 20_000
MEMORY_LIMIT_MB = 150


@dataclass
class Target:
    ratio: float | None = None  # minimum share of H
    p50_ms: float | None = None
    p99_ms: float | None = None

    def describe(self) -> str:
        parts = []
        if self.ratio is not None:
            parts.append(f"≥ {self.ratio:.2f} H")
        if self.p50_ms is not None:
            parts.append(f"p50 ≤ {self.p50_ms:g} ms")
        if self.p99_ms is not None:
            parts.append(f"p99 ≤ {self.p99_ms:g} ms")
        return ", ".join(parts) or "—"


@dataclass
class Page:
    key: str
    label: str
    paths: list[str]
    phase: str  # "uncached" or "cached"
    target: Target = field(default_factory=Target)
    search: bool = False


@dataclass
class Row:
    key: str
    label: str
    phase: str
    example: str
    target: str
    available: bool = True
    status: int | None = None
    rps: float | None = None
    h_rps: float | None = None
    ratio: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    requests: int | None = None
    errors: int | None = None
    queries: int | None = None
    session_queries: int | None = None
    met: bool | None = None
    misses: list[str] = field(default_factory=list)
    plans: list[dict] = field(default_factory=list)


def search_target(vendor: str) -> Target:
    if vendor == "postgresql":
        return Target(ratio=0.10, p50_ms=25, p99_ms=80)
    return Target(ratio=0.10, p50_ms=40)


def url_or(name: str, fallback: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return fallback


def article_paths(seed: int, limit: int) -> list[str]:
    """Paths of up to ``limit`` published articles picked at random (deterministically)."""
    top = Article.objects.aggregate(top=Max("id"))["top"] or 0
    rng = random.Random(f"bench-{seed}")
    ids = rng.sample(range(1, top + 1), min(top, int(limit * 1.2) + 10))
    slugs: list[str] = []
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        found = dict(Article.objects.published().filter(pk__in=chunk).values_list("pk", "slug"))
        slugs += [found[pk] for pk in chunk if pk in found]
    return [reverse("articles:article_detail", kwargs={"slug": slug}) for slug in slugs[:limit]]


def company_slugs() -> tuple[str | None, str | None]:
    """The most and the least cited companies (among those cited at least once)."""
    cited = Company.objects.annotate(n=Count("tagged_articles")).filter(n__gt=0)
    popular = cited.order_by("-n", "id").values_list("slug", flat=True).first()
    rare = cited.order_by("n", "id").values_list("slug", flat=True).first()
    return popular, rare


def static_path(static_root: str) -> str:
    manifest = Path(static_root) / "staticfiles.json"
    name = "css/site.css"
    with contextlib.suppress(OSError, ValueError, KeyError):
        name = json.loads(manifest.read_text())["paths"].get(name, name)
    return "/" + settings.STATIC_URL.strip("/") + "/" + name


def build_pages(*, vendor: str, seed: int, static_root: str, only: set[str] | None = None) -> list[Page]:
    articles = article_paths(seed, ARTICLE_POOL)
    popular, rare = company_slugs()

    def company(slug):
        return [reverse("articles:company_detail", kwargs={"slug": slug})] if slug else []

    month = url_or(
        "articles:archive_month",
        f"/archives/{ARCHIVE_YEAR}/{ARCHIVE_MONTH:02d}/",
        year=ARCHIVE_YEAR,
        month=f"{ARCHIVE_MONTH:02d}",
    )
    year = url_or("articles:archive_year", f"/archives/{ARCHIVE_YEAR}/", year=ARCHIVE_YEAR)
    search_page = url_or("search:results", "/recherche/")
    search_api = url_or("search:api", "/api/recherche/")
    terms = corpus.corpus_terms(seed)
    listing, page_ratio, cached_ratio = Target(ratio=0.15), Target(ratio=0.30), Target(ratio=0.80)
    pages = [
        Page("article", "Article (random)", articles, "uncached", page_ratio),
        Page("home", "Home", ["/"], "uncached", listing),
        Page("company_popular", "Company, most cited", company(popular), "uncached", listing),
        Page("company_rare", "Company, least cited", company(rare), "uncached", listing),
        Page("archive_month", "Month archive", [month], "uncached", listing),
        Page("archive_year", "Year archive", [year], "uncached", listing),
    ]
    for name in SEARCH_CLASSES:
        query = urlencode({"q": terms[name]})
        pages.append(
            Page(f"search_{name}", f"Search: {name} « {terms[name]} »", [f"{search_page}?{query}"], "uncached",
                 search_target(vendor), search=True)
        )  # fmt: skip
    json_target = search_target(vendor)
    json_target.ratio = None
    pages += [
        Page("search_json", f"JSON search: typical « {terms['typical']} »",
             [f"{search_api}?{urlencode({'q': terms['typical']})}"], "uncached", json_target, search=True),
        Page("static", "Static file", [static_path(static_root)], "uncached"),
        Page("article_cached", "Article, page cache", articles[:10], "cached", cached_ratio),
        Page("company_popular_cached", "Company most cited, page cache", company(popular), "cached", cached_ratio),
        Page("company_rare_cached", "Company least cited, page cache", company(rare), "cached", cached_ratio),
        Page("home_cached", "Home, page cache", ["/"], "cached"),
    ]  # fmt: skip
    # The same searches again, answered from the page cache: what a reader gets for a search
    # made since the archive last changed (the rows above: a search not made since).
    pages += [
        Page(f"{page.key}_cached", f"{page.label}, page cache", page.paths, "cached",
             Target(ratio=search_target(vendor).ratio))
        for page in pages
        if page.search and page.key != "search_json"
    ]  # fmt: skip
    if only:
        pages = [page for page in pages if page.key in only]
    return pages


# --- In-process measurements -------------------------------------------------------------------


def in_process(**overrides):
    """Settings for the test client runs in this process (any host, the benchmark's static files)."""
    return override_settings(ALLOWED_HOSTS=["*"], DEBUG=False, **overrides)


def count_queries(paths: list[str], *, cached: bool) -> tuple[int, int, int | None]:
    """(most queries per request, session/user queries, status) over a few of ``paths``."""
    most = sessions = 0
    status = None
    with in_process(CACHES=LOCAL_CACHE if cached else DUMMY_CACHE):
        client = Client()
        for path in paths[:3]:
            if cached:
                client.get(path, secure=True)
            with CaptureQueriesContext(connection) as context:
                response = client.get(path, secure=True)
            status = response.status_code
            most = max(most, len(context.captured_queries))
            sessions += sum(
                1 for q in context.captured_queries if "django_session" in q["sql"] or '"auth_user"' in q["sql"]
            )
    return most, sessions, status


def explain(sql: str, settings: tuple[str, ...] = ()) -> str:
    """The plan of ``sql``, under the ``SET LOCAL`` statements the search ran it with."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with transaction.atomic():
                for setting in settings:
                    cursor.execute(setting)
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                return "\n".join(row[0] for row in cursor.fetchall())
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return "\n".join(f"{row[0]:>3} {row[1]:>3} {row[3]}" for row in cursor.fetchall())
    return "(no plan for this database)"


def search_plans(path: str) -> list[dict]:
    """The statements of the two slowest round trips of one search request, with their plans."""
    with (
        in_process(CACHES=DUMMY_CACHE),
        CaptureQueriesContext(connection) as context,
    ):
        Client().get(path, secure=True)
    trips = round_trips(context.captured_queries)
    trips.sort(key=lambda trip: trip[0], reverse=True)
    plans = []
    for seconds, statements in trips[:2]:
        for sql, in_force in statements:
            try:
                plan = explain(sql, in_force)
            except Exception as error:  # a plan is informative; never fail the benchmark for it
                plan = f"(EXPLAIN failed: {error})"
            shown = "; ".join([*in_force, sql])
            plans.append({"sql": shown, "ms": round(seconds * 1000, 2), "plan": plan})
    return plans


def round_trips(captured: list[dict]) -> list[tuple[float, list[tuple[str, tuple[str, ...]]]]]:
    """[(seconds, [(statement, the SET LOCAL settings it ran under)])] of each captured round
    trip that reads something, in order.

    A round trip may hold several statements (``backends.fetch_batch``), and a scan setting
    sent with the statement it is for ("SET LOCAL ... = off; WITH chunk ..."), which lasts
    for that string only (PostgreSQL runs it as one implicit transaction); a setting sent
    alone (within a transaction) lasts until it is set back ("TO DEFAULT").
    """
    trips, in_force = [], {}
    for query in captured:
        whole = query["sql"].strip()
        statements, local = [], {}
        for sql in (part.strip() for part in whole.split("; ")):
            if sql.upper().startswith("SET LOCAL "):
                name = sql.split()[2]
                if sql.upper().endswith("TO DEFAULT"):
                    in_force.pop(name, None)
                elif sql != whole:
                    local[name] = sql
                else:
                    in_force[name] = sql
            elif sql.upper().startswith(("SELECT", "WITH")):
                statements.append((sql, tuple({**in_force, **local}.values())))
        if statements:
            trips.append((float(query["time"]), statements))
    return trips


# --- The run -----------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory_kb = 0
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def database_info() -> dict:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return {
        "vendor": connection.vendor,
        "version": version,
        "articles": Article.objects.count(),
        "published": Article.objects.published().count(),
        "companies": Company.objects.count(),
    }


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


@dataclass
class Options:
    database_url: str
    duration: float = 5.0
    workers: int = 0
    connections: int = 0
    seed: int = 42
    redis_url: str = ""
    only: set[str] | None = None
    log: object = print


def measure_phase(server: Server, pages: list[Page], options: Options, rows: list[Row], h_runs: list[dict]) -> None:
    connections = options.connections
    duration = options.duration

    def hello() -> LoadResult:
        result = run_wrk(server.port, [HELLO_PATH], seconds=duration, connections=connections)
        h_runs.append({"phase": pages[0].phase if pages else "", **asdict(result)})
        return result

    before = hello()
    for page in pages:
        row = Row(page.key, page.label, page.phase, page.paths[0] if page.paths else "", page.target.describe())
        rows.append(row)
        if not page.paths:
            row.available = False
            continue
        status, _ = get(server.port, page.paths[0])
        row.status = status
        if status != 200:
            row.available = False
            options.log(f"  {page.label}: not available (HTTP {status})")
            continue
        # Warm up: process-level caches, database buffers, and (cached phase) each worker's own
        # cache. Requests land on whichever worker is free, so each path is sent ten times per
        # worker: one (path, worker) pair left cold would cost as much as hundreds of hits.
        # wrk stops sending at the request bound but runs to the end of its duration, so the
        # duration stays short: a few hundred requests take well under a second here.
        if page.phase == "cached":
            warm_requests, warm_seconds = len(page.paths) * options.workers * 10, 3
        else:
            warm_requests, warm_seconds = 200, 1
        run_wrk(server.port, page.paths, seconds=warm_seconds, connections=connections, max_requests=warm_requests)
        result = run_wrk(server.port, page.paths, seconds=duration, connections=connections)
        after = hello()
        h_rps = statistics.mean([before.rps, after.rps])
        row.rps, row.h_rps = result.rps, round(h_rps, 1)
        row.ratio = round(result.rps / h_rps, 3) if h_rps else None
        row.p50_ms, row.p99_ms, row.requests, row.errors = result.p50_ms, result.p99_ms, result.requests, result.errors
        before = after
        options.log(
            f"  {page.label}: {result.rps:.0f} req/s ({row.ratio} H), p50 {result.p50_ms} ms, p99 {result.p99_ms} ms"
        )


def judge_row(row: Row, target: Target) -> None:
    """Set ``row.met`` and name every miss with its measured figure (None: nothing to judge)."""
    row.misses = []
    if target.ratio is not None and row.ratio is not None and row.ratio < target.ratio:
        row.misses.append(f"ratio {row.ratio:.2f} < {target.ratio:.2f}")
    if target.p50_ms is not None and row.p50_ms is not None and row.p50_ms > target.p50_ms:
        row.misses.append(f"p50 {row.p50_ms} > {target.p50_ms:g} ms")
    if target.p99_ms is not None and row.p99_ms is not None and row.p99_ms > target.p99_ms:
        row.misses.append(f"p99 {row.p99_ms} > {target.p99_ms:g} ms")
    if row.errors:
        row.misses.append(f"{row.errors} errors")
    if row.session_queries:
        row.misses.append("session/user query")
    has_target = any(v is not None for v in (target.ratio, target.p50_ms, target.p99_ms))
    row.met = (not row.misses) if has_target or row.errors or row.session_queries else None


def finish_rows(rows: list[Row], pages: list[Page]) -> None:
    """Query counts, search plans and the verdict against each target."""
    by_key = {page.key: page for page in pages}
    for row in rows:
        page = by_key[row.key]
        if not row.available:
            continue
        if row.key != "static":
            row.queries, row.session_queries, _ = count_queries(page.paths, cached=page.phase == "cached")
        if page.search:
            row.plans = search_plans(page.paths[0])
        judge_row(row, page.target)


def run(options: Options) -> dict:
    """Run the whole benchmark; return the report (``render_markdown`` formats it)."""
    wrk_path()  # fail early, before any server starts
    # The in-process test client serves no static file: whitenoise's warning about a missing
    # STATIC_ROOT in this process is noise.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    workers = options.workers or os.cpu_count() or 2
    options.workers = workers
    options.connections = options.connections or workers
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    base_env = production_environment(database_url=options.database_url, static_root=static_root)
    collectstatic(base_env)
    pages = build_pages(vendor=connection.vendor, seed=options.seed, static_root=static_root, only=options.only)
    rows: list[Row] = []
    h_runs: list[dict] = []
    memory: dict[str, list[float]] = {}
    for phase, extra in (
        ("uncached", {"BENCH_NO_CACHE": "1"}),
        ("cached", {"REDIS_URL": options.redis_url} if options.redis_url else {}),
    ):
        phase_pages = [page for page in pages if page.phase == phase]
        if not phase_pages:
            continue
        options.log(f"Phase {phase}: {len(phase_pages)} pages, {options.duration:g} s windows")
        env = production_environment(database_url=options.database_url, static_root=static_root, extra=extra)
        with Server(env, workers=workers) as server:
            measure_phase(server, phase_pages, options, rows, h_runs)
            memory[phase] = server.worker_rss_mb()
            errors = server.log_tail(200)
        if "Traceback" in errors:
            options.log(f"Server errors during phase {phase}:\n{errors}")
    finish_rows(rows, pages)
    worst_rss = max((size for sizes in memory.values() for size in sizes), default=None)
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": machine(),
        "database": database_info(),
        "settings": {
            "workers": workers,
            "connections": options.connections,
            "window_seconds": options.duration,
            "seed": options.seed,
            "cache": "redis" if options.redis_url else "local memory",
        },
        "hello": h_runs,
        "rows": [asdict(row) for row in rows],
        "worker_rss_mb": memory,
        "memory": {
            "max_worker_rss_mb": worst_rss,
            "target_mb": MEMORY_LIMIT_MB,
            "met": None if worst_rss is None else worst_rss < MEMORY_LIMIT_MB,
        },
        # Other processes on the machine share its cores: say how busy it was.
        "load_average": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "seconds": round(time.monotonic() - started, 1),
    }


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def render_markdown(report: dict, *, plans: bool = True) -> str:
    db, settings_ = report["database"], report["settings"]
    lines = [
        f"### {db['vendor']} {db['version']}, {db['articles']:,} articles ({db['published']:,} published)",
        "",
        f"{report['machine']['cores']} cores ({report['machine']['cpu']}), {settings_['workers']} gunicorn workers, "
        f"{settings_['connections']} connections, {settings_['window_seconds']:g} s windows, "
        f"cache: {settings_['cache']}; commit {report['commit']}, {report['date']}"
        + (
            f"; load average {report['load_average']['before']} before, {report['load_average']['after']} after."
            if "load_average" in report
            else "."
        ),
        "",
        "| page | cache | req/s | H req/s | ratio to H | median ms | p99 ms | queries | target | met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in report["rows"]:
        if not row["available"]:
            status = f" (HTTP {row['status']})" if row["status"] else ""
            lines.append(f"| {row['label']} | {row['phase']} | not available{status} | | | | | | {row['target']} | |")
            continue
        met = {True: "yes", False: "**no**: " + "; ".join(row["misses"]), None: ""}[row["met"]]
        queries = _fmt(row["queries"])
        if row["session_queries"]:
            queries += f" ({row['session_queries']} session/user)"
        lines.append(
            f"| {row['label']} | {row['phase']} | {_fmt(row['rps'], 0)} | {_fmt(row['h_rps'], 0)} | "
            f"{_fmt(row['ratio'], 2)} | {_fmt(row['p50_ms'], 1)} | {_fmt(row['p99_ms'], 1)} | {queries} | "
            f"{row['target']} | {met} |"
        )
    memory = report["memory"]
    sizes = "; ".join(f"{phase}: {', '.join(f'{s:.0f}' for s in v)} MB" for phase, v in report["worker_rss_mb"].items())
    verdict = {True: "met", False: "**missed**", None: "not measured"}[memory["met"]]
    lines += ["", f"Gunicorn worker RSS after each phase: {sizes} (target < {memory['target_mb']} MB: {verdict})."]
    if plans:
        for row in report["rows"]:
            for plan in row.get("plans", [])[:1]:
                lines += [
                    "",
                    f"<details><summary>Plan, {row['label']} "
                    f"({plan['ms']} ms for its round trip in the capture)</summary>",
                    "",
                    "```",
                    plan["sql"][:2000],
                    "",
                    plan["plan"],
                    "```",
                    "",
                    "</details>",
                ]
    return "\n".join(lines) + "\n"
