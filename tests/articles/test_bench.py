"""The benchmark harness: its verdicts, its report, its in-process counts, and a smoke run."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings
from django.db import connection
from django.test import TestCase, override_settings

from articles import search
from articles.bench import run
from articles.bench.load import LoadResult
from articles.bench.views import HELLO_PATH
from tests.factories import make_article, make_company


def wrk_result(**overrides) -> dict:
    data = {
        "requests": 1000,
        "duration_us": 2_000_000,
        "bytes": 10,
        "status_errors": 0,
        "server_errors": 0,
        "redirects": 0,
        "connect_errors": 0,
        "read_errors": 0,
        "write_errors": 0,
        "timeouts": 0,
        "p50_us": 1500,
        "p90_us": 2500,
        "p99_us": 9000,
        "max_us": 12000,
        "mean_us": 1600.0,
    }
    return {**data, **overrides}


class LoadResultTests(TestCase):
    def test_wrk_figures_become_rates_and_milliseconds(self):
        """wrk's microseconds and counts give req/s, milliseconds and an error total."""
        result = LoadResult.from_wrk(wrk_result(read_errors=2, status_errors=3))
        self.assertEqual(result.rps, 500.0)
        self.assertEqual(result.p50_ms, 1.5)
        self.assertEqual(result.p99_ms, 9.0)
        self.assertEqual(result.errors, 5)


class VerdictTests(TestCase):
    def row(self, **figures) -> run.Row:
        row = run.Row("page", "Page", "uncached", "/", "")
        for name, value in {"errors": 0, "session_queries": 0, **figures}.items():
            setattr(row, name, value)
        return row

    def test_missed_targets_are_named_with_the_measured_figure(self):
        """A ratio below target and a slow median are both reported, with their values."""
        row = self.row(ratio=0.05, p50_ms=30.0, p99_ms=50.0)
        run.judge_row(row, run.Target(0.10, 25, 80))
        self.assertFalse(row.met)
        self.assertEqual(row.misses, ["ratio 0.05 < 0.10", "p50 30.0 > 25 ms"])

    def test_met_targets_and_untargeted_rows(self):
        """A row within its targets is met; a row without target and without error has no verdict."""
        within = self.row(ratio=0.2, p50_ms=3.0, p99_ms=9.0)
        run.judge_row(within, run.Target(ratio=0.15))
        untargeted = self.row(ratio=0.9, p50_ms=1.0, p99_ms=2.0)
        run.judge_row(untargeted, run.Target())
        self.assertTrue(within.met)
        self.assertIsNone(untargeted.met)

    def test_session_queries_and_errors_fail_a_row(self):
        """A public page that reads the session, or answers errors, misses whatever its speed."""
        row = self.row(ratio=0.5, p50_ms=1.0, p99_ms=2.0, errors=3, session_queries=1)
        run.judge_row(row, run.Target(ratio=0.15))
        self.assertFalse(row.met)
        self.assertEqual(row.misses, ["3 errors", "session/user query"])


class MarkdownTests(TestCase):
    def test_report_has_every_row_and_the_memory_line(self):
        """The table lists measured and unavailable pages, verdicts, and worker memory."""
        report = {
            "database": {"vendor": "sqlite", "version": "3.40", "articles": 1000, "published": 970},
            "settings": {"workers": 2, "connections": 2, "window_seconds": 1.0, "cache": "local memory"},
            "machine": {"cores": 2, "cpu": "test"},
            "commit": "abc",
            "date": "2026-01-01",
            "rows": [
                {
                    "label": "Home",
                    "phase": "uncached",
                    "available": True,
                    "status": 200,
                    "rps": 120.0,
                    "h_rps": 1000.0,
                    "ratio": 0.12,
                    "p50_ms": 8.0,
                    "p99_ms": 20.0,
                    "queries": 4,
                    "session_queries": 0,
                    "target": "≥ 0.15 H",
                    "met": False,
                    "misses": ["ratio 0.12 < 0.15"],
                    "plans": [],
                },
                {"label": "Search", "phase": "uncached", "available": False, "status": 404, "target": "p50 ≤ 40 ms"},
            ],
            "worker_rss_mb": {"uncached": [60.0, 61.5]},
            "memory": {"max_worker_rss_mb": 61.5, "target_mb": 150, "met": True},
        }
        text = run.render_markdown(report)
        self.assertIn(
            "| Home | uncached | 120 | 1,000 | 0.12 | 8.0 | 20.0 | 4 | ≥ 0.15 H | **no**: ratio 0.12 < 0.15 |", text
        )
        self.assertIn("| Search | uncached | not available (HTTP 404) |", text)
        self.assertIn("uncached: 60, 62 MB (target < 150 MB: met)", text)


class InProcessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        company = make_company("Vantrique")
        cls.article = make_article(
            "Vantrique lance un processeur",
            sections=(("", "Un processeur gravé finement."), ("Les détails", "Fréquence et mémoire.")),
            companies=[company],
        )
        cls.company = company

    def test_public_pages_cost_no_session_query(self):
        """Counted like the benchmark counts them: queries, none on the session or user tables."""
        for path in ("/", self.article.get_absolute_url(), self.company.get_absolute_url()):
            queries, sessions, status = run.count_queries([path], cached=False)
            self.assertEqual(status, 200, path)
            self.assertGreater(queries, 0, path)
            self.assertEqual(sessions, 0, path)

    def test_cached_pages_cost_no_query(self):
        """A page served from the page cache runs no query at all (second hit)."""
        queries, sessions, status = run.count_queries([self.article.get_absolute_url()], cached=True)
        self.assertEqual((queries, sessions, status), (0, 0, 200))

    def test_search_plans_come_from_this_database(self):
        """The slowest search queries are explained with this database's EXPLAIN."""
        search.index_articles([self.article.pk])
        plans = run.search_plans("/recherche/?q=processeur")
        self.assertTrue(plans)
        self.assertTrue(all(plan["plan"] and not plan["plan"].startswith("(EXPLAIN failed") for plan in plans))
        if connection.vendor == "postgresql":
            self.assertIn("Execution Time", plans[0]["plan"])

    def test_each_statement_of_a_round_trip_is_explained_under_the_settings_it_ran_with(self):
        """A setting sent with its statement applies to that string only; one sent alone lasts
        until set back; statements sent together are explained one by one."""
        captured = [
            {"sql": "SET LOCAL enable_indexscan = off; WITH chunk AS (SELECT 1) SELECT 2", "time": "0.003"},
            {"sql": "SELECT 3; SELECT 4", "time": "0.002"},
            {"sql": "SET LOCAL enable_bitmapscan = off", "time": "0.000"},
            {"sql": "SELECT 5", "time": "0.001"},
            {"sql": "SET LOCAL enable_bitmapscan TO DEFAULT", "time": "0.000"},
            {"sql": "SELECT 6", "time": "0.001"},
        ]
        self.assertEqual(
            run.round_trips(captured),
            [
                (0.003, [("WITH chunk AS (SELECT 1) SELECT 2", ("SET LOCAL enable_indexscan = off",))]),
                (0.002, [("SELECT 3", ()), ("SELECT 4", ())]),
                (0.001, [("SELECT 5", ("SET LOCAL enable_bitmapscan = off",))]),
                (0.001, [("SELECT 6", ())]),
            ],
        )

    def test_hello_view_is_mounted_only_by_the_bench_settings(self):
        """The ceiling H answers in the benchmark's URL configuration and nowhere else."""
        self.assertEqual(self.client.get(HELLO_PATH).status_code, 404)
        with override_settings(ROOT_URLCONF="articles.bench.urls"):
            response = self.client.get(HELLO_PATH)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"Bonjour\n")


def smoke_database_url(tmp_path: Path) -> tuple[str, callable]:
    """A database of its own for the smoke run, on the engine the suite runs on."""
    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / 'smoke.sqlite3'}", lambda: None
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"{config['NAME']}_bench_smoke"
    admin = f"postgres://{config['USER']}@{config['HOST']}:{config['PORT'] or 5432}/postgres"

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://{config['USER']}@{config['HOST']}:{config['PORT'] or 5432}/{name}", drop


@pytest.mark.django_db
def test_smoke_run_produces_every_figure(tmp_path):
    """On 1,000 generated articles, a short `bench` measures every page and every figure."""
    if not shutil.which("wrk"):
        if os.environ.get("REQUIRE_WRK"):
            pytest.fail("wrk is required (REQUIRE_WRK=1) but not installed")
        pytest.skip("wrk is not installed (apt-get install wrk)")
    url, drop = smoke_database_url(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["DATABASE_URL"] = url
    manage = [sys.executable, "manage.py"]
    report_path = tmp_path / "bench.json"
    try:
        for command in (
            ["migrate", "-v0"],
            ["generate_corpus", "--articles", "1000"],
            ["bench", "--duration", "1", "--json", str(report_path)],
        ):
            completed = subprocess.run(
                manage + command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=900
            )
            assert completed.returncode == 0, completed.stderr[-3000:]
    finally:
        drop()
    report = json.loads(report_path.read_text())
    assert "Empreinte" not in completed.stdout  # the bench prints its table, not the generator's output
    assert "| page | cache | req/s |" in completed.stdout
    rows = {row["key"]: row for row in report["rows"]}
    expected = {"article", "home", "company_popular", "company_rare", "archive_month", "archive_year", "static"}
    expected |= {f"search_{name}" for name in run.SEARCH_CLASSES} | {"search_json"}
    expected |= {"article_cached", "company_popular_cached", "company_rare_cached", "home_cached"}
    expected |= {f"search_{name}_cached" for name in run.SEARCH_CLASSES}
    assert set(rows) == expected
    for key, row in rows.items():
        assert row["available"], (key, row["status"])
        for figure in ("rps", "h_rps", "ratio", "p50_ms", "p99_ms", "requests"):
            assert row[figure] is not None and row[figure] > 0, (key, figure)
        assert row["errors"] == 0, key
        if key != "static":
            assert row["queries"] is not None and row["session_queries"] == 0, key
        if key.startswith("search") and row["phase"] == "uncached":
            assert row["plans"] and row["plans"][0]["plan"], key
        if row["phase"] == "cached":
            assert row["queries"] == 0, key
    assert report["memory"]["max_worker_rss_mb"] > 0
    assert set(report["worker_rss_mb"]) == {"uncached", "cached"}
