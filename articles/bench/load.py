"""Drive a server with ``wrk``: a closed loop of GETs over a list of paths, bounded in time and count.

``wrk`` (Debian package ``wrk``) is a small C load generator: on a 2-core machine it leaves
nearly all the CPU to the server, which a Python load generator would not. A Lua script makes
it cycle through a file of paths (so "random article" means a different article on every
request), stop after a maximum number of requests, count 5xx answers, and print its figures as
one JSON line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .server import HOST, PROXY_HEADERS

WRK_SCRIPT = r"""
local paths, counter, limit = {}, 0, 0
local threads = {}
fivexx, threes = 0, 0  -- globals: done() reads them from each thread with thread:get()

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  limit = tonumber(args[2]) or 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter - 1) % #paths + 1])
end

function response(status, headers, body)
  if status >= 500 then fivexx = fivexx + 1 end
  if status >= 300 and status < 400 then threes = threes + 1 end
  if limit > 0 and counter >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local five, redirects = 0, 0
  for _, thread in ipairs(threads) do
    five = five + (thread:get("fivexx") or 0)
    redirects = redirects + (thread:get("threes") or 0)
  end
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, "server_errors": %d, ' ..
    '"redirects": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.status, five, redirects,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""


@dataclass
class LoadResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # 4xx/5xx answers, socket errors and timeouts
    server_errors: int
    redirects: int

    @classmethod
    def from_wrk(cls, data: dict) -> LoadResult:
        seconds = data["duration_us"] / 1e6
        socket_errors = sum(data[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
        return cls(
            requests=data["requests"],
            seconds=round(seconds, 2),
            rps=round(data["requests"] / seconds, 1) if seconds else 0.0,
            p50_ms=round(data["p50_us"] / 1000, 2),
            p90_ms=round(data["p90_us"] / 1000, 2),
            p99_ms=round(data["p99_us"] / 1000, 2),
            max_ms=round(data["max_us"] / 1000, 2),
            errors=data["status_errors"] + socket_errors,
            server_errors=data["server_errors"],
            redirects=data["redirects"],
        )


def wrk_path() -> str:
    path = shutil.which("wrk")
    if not path:
        raise RuntimeError("wrk est introuvable : installez-le (apt-get install -y wrk).")
    return path


def run_wrk(
    port: int,
    paths: list[str],
    *,
    seconds: float,
    connections: int,
    max_requests: int = 1_000_000,
    timeout: float = 10.0,
) -> LoadResult:
    """Send GETs for ``paths`` (cycled) on ``connections`` connections for ``seconds``."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        script = Path(folder) / "paths.lua"
        script.write_text(WRK_SCRIPT)
        path_file = Path(folder) / "paths.txt"
        path_file.write_text("\n".join(paths) + "\n")
        command = [
            wrk_path(),
            "--threads=1",
            f"--connections={max(1, connections)}",
            f"--duration={max(1, round(seconds))}s",
            f"--timeout={max(1, round(timeout))}s",
            f"--script={script}",
        ]
        for name, value in PROXY_HEADERS.items():
            command += ["--header", f"{name}: {value}"]
        command += [f"http://{HOST}:{port}/", "--", str(path_file), str(max_requests)]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + timeout + 30)
    for line in completed.stdout.splitlines():
        if line.startswith("WRKJSON "):
            return LoadResult.from_wrk(json.loads(line.removeprefix("WRKJSON ")))
    raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr or completed.stdout}")
