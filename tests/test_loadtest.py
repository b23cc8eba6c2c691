"""The load-and-faults script's parts: its form filling, its rules for restarts, its load loop.

The script itself restarts PostgreSQL and mounts a tmpfs, so it runs in CI as a step of its
own (``scripts/loadtest``), never inside the test suite that holds database connections.
"""

import asyncio

from articles.bench import loadtest
from articles.bench.loadtest import FormParser, Outcome, Report, judge_restart

ADMIN_FORM = """
<form id="search"><input name="q" value="hors formulaire"></form>
<form id="article_form" method="post">
  <input type="hidden" name="csrfmiddlewaretoken" value="jeton">
  <input type="text" name="title" value="L&#x27;ancien titre">
  <input type="checkbox" name="featured">
  <input type="checkbox" name="sections-0-DELETE" checked>
  <input type="number" name="version" value="3">
  <input type="text" name="locked" value="x" disabled>
  <textarea name="sections-0-body">
Premier paragraphe.
Deuxième.</textarea>
  <select name="status"><option value="draft">Brouillon</option>
    <option value="published" selected>Publié</option></select>
  <select name="companies" multiple><option value="1" selected>A</option><option value="2" selected>B</option>
    <option value="3">C</option></select>
  <input type="submit" name="_save" value="Enregistrer">
</form>
"""


def test_form_parser_submits_what_a_browser_would():
    """Hidden, text and checked fields, textareas and selected options of that form only."""
    parser = FormParser("article_form")
    parser.feed(ADMIN_FORM)
    assert parser.fields == [
        ("csrfmiddlewaretoken", "jeton"),
        ("title", "L'ancien titre"),
        ("sections-0-DELETE", "on"),
        ("version", "3"),
        ("sections-0-body", "Premier paragraphe.\nDeuxième."),
        ("status", "published"),
        ("companies", "1"),
        ("companies", "2"),
    ]


def outcome(started, status, ended=None):
    return Outcome(started=started, ended=ended if ended is not None else started + 0.01, status=status, path="/")


def test_restart_failures_while_down_are_allowed():
    """Failures between the restart and one second after the database is back pass."""
    outcomes = [outcome(1.0, 200), outcome(3.5, 500), outcome(4.0, 0), outcome(6.5, 200), outcome(7.0, 200)]
    assert judge_restart(outcomes, down=3.0, back=5.0)["ok"] is True


def test_restart_failure_one_second_after_back_fails():
    """A failed request started one second or more after the database is back fails the check."""
    outcomes = [outcome(1.0, 200), outcome(6.0, 500), outcome(7.0, 200)]
    verdict = judge_restart(outcomes, down=3.0, back=5.0)
    assert verdict["ok"] is False
    assert verdict["failed_from_1s_after_back"] == 1


def test_failure_before_the_restart_fails():
    """An error that ended before PostgreSQL went down is an error, not a restart effect."""
    outcomes = [outcome(1.0, 500, ended=1.2), outcome(7.0, 200)]
    assert judge_restart(outcomes, down=3.0, back=5.0)["failed_before_restart"] == 1
    assert judge_restart(outcomes, down=3.0, back=5.0)["ok"] is False


def test_restart_without_traffic_afterwards_or_without_end_fails():
    """No request after the database is back, or a restart that never completed, proves nothing."""
    assert judge_restart([outcome(1.0, 200)], down=3.0, back=5.0)["ok"] is False
    assert judge_restart([outcome(1.0, 200)], down=3.0, back=None)["ok"] is False


def test_report_needs_mixed_traffic_and_no_failed_check():
    """Mixed traffic must pass; other checks pass or are skipped with a reason."""
    assert Report(mixed={"ok": True}, full_disk={"ok": None, "skipped": "needs root"}).ok
    assert not Report(mixed={"ok": True}, idle_restart={"ok": False}).ok
    assert not Report(mixed={"ok": None}).ok


def test_load_window_counts_every_answer():
    """The load loop records each request's status, 5xx included, and stops at its deadline."""

    async def scenario():
        answers = iter([200, 500] * 10_000)

        async def handle(reader, writer):
            await reader.readuntil(b"\r\n\r\n")
            status = next(answers)
            writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".encode())
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            return await loadtest.load_window(port, ["/", "/a/"], seconds=0.5, connections=4)

    outcomes = asyncio.run(scenario())
    summary = loadtest.summary(outcomes)
    assert summary["requests"] == len(outcomes) > 0
    assert set(summary["statuses"]) <= {"200", "500"}
    assert summary["failed"] == summary["statuses"].get("500", 0)
