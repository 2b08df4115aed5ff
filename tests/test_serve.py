"""`newsdesk serve` as a user starts it: one process, or several workers sharing one database and key."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from newsdesk.store import open_store


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers_pages_and_api(tmp_path: Path, workers: int) -> None:
    db = str(tmp_path / "site.db")
    open_store(db).close()
    port = _free_port()
    command = [sys.executable, "-m", "newsdesk", "serve", "--db", db, "--port", str(port), "--workers", str(workers)]
    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_SECRET_KEY"}
    server = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                home = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert home.status_code == 200 and "newsdesk" in home.text
        api = httpx.get(f"http://127.0.0.1:{port}/api/articles?limit=5", timeout=5)
        assert api.status_code == 200 and api.json()["ok"] is True
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)


@pytest.mark.parametrize("port", ["0", "65536", "99999"])
def test_serve_refuses_a_port_out_of_range(tmp_path: Path, port: str) -> None:
    from typer.testing import CliRunner

    from newsdesk.cli import app

    result = CliRunner().invoke(app, ["serve", "--port", port, "--db", f"sqlite:///{tmp_path / 'n.db'}"])
    assert result.exit_code == 2
    assert "--port" in result.output
