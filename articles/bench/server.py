"""Run the project under gunicorn, with production settings, on a free loopback port."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings

from .views import HELLO_PATH

HOST = "127.0.0.1"
# The server sits behind a TLS-terminating proxy in production; the benchmark plays that proxy
# by sending the header it would set, so HTTPS-only settings (redirects, __Host- cookies) hold.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def production_environment(*, database_url: str, static_root: str, extra: dict | None = None) -> dict:
    """The environment of a production server on loopback (see README "Settings")."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="articles.bench.settings",
        DEBUG="0",
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        STATIC_ROOT=static_root,
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO=https",
        LOG_LEVEL="ERROR",
    )
    env.update(extra or {})
    return env


def collectstatic(env: dict) -> None:
    """Collect static files once into ``env["STATIC_ROOT"]`` (hashed, compressed: as in production)."""
    if (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists():
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )


def get(port: int, path: str, *, timeout: float = 30.0, headers: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={**PROXY_HEADERS, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Server:
    """``with Server(env, workers=2) as server:`` serves the project at ``server.port``."""

    def __init__(self, env: dict, *, workers: int, log_path: str | None = None, timeout: int = 30):
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.timeout = timeout
        self.log_path = log_path or tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1]
        self.process: subprocess.Popen | None = None

    def start(self, wait: float = 60.0) -> Server:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "newsroom.wsgi",
            f"--workers={self.workers}",
            f"--bind={HOST}:{self.port}",
            f"--timeout={self.timeout}",
            "--graceful-timeout=5",
            "--error-logfile=-",
        ]
        log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the server's life)
        self.process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.log_path}:\n{self.log_tail()}")
            try:
                status, _ = get(self.port, HELLO_PATH, timeout=2)
                if status == 200 and len(self.worker_pids()) == self.workers:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {wait:.0f} s; see {self.log_path}:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker, in MB (from /proc)."""
        sizes = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(round(int(line.split()[1]) / 1024, 1))
            except OSError:
                continue
        return sizes

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
