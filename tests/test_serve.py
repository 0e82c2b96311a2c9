"""`crossgrain serve [--lan] [--port N]`: the streamlit command it builds, its errors, and a real server on https."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from vision.cli import serve
from vision.cli.common import CliError
from vision.io import lan

from browser_support import direct_urlopen

ROOT = Path(__file__).resolve().parents[1]
HOME = ["192.168.1.23", "10.0.0.5"]


def _option(cmd: list[str], name: str) -> str | None:
    return cmd[cmd.index(name) + 1] if name in cmd else None


def test_plain_serve_stays_on_this_computer_over_http(tmp_path):
    p = serve.plan(False, 8600, data_dir=tmp_path)
    assert p.cmd[:4] == [sys.executable, "-m", "streamlit", "run"] and p.cmd[4] == str(ROOT / "app.py")
    assert _option(p.cmd, "--server.address") == "127.0.0.1" and _option(p.cmd, "--server.port") == "8600"
    assert _option(p.cmd, "--browser.gatherUsageStats") == "false"
    assert "--server.sslCertFile" not in p.cmd and not (tmp_path / "tls").exists()  # no certificate needed
    assert p.env["CROSSGRAIN_WEBRTC_LAN"] == "0" and p.urls == ["http://localhost:8600"]
    assert p.cwd == ROOT  # .streamlit/config.toml applies


def test_lan_serve_uses_https_with_the_certificate_and_allows_webrtc_on_the_network(tmp_path):
    p = serve.plan(True, 8443, addresses=HOME, data_dir=tmp_path)
    cert, key = Path(_option(p.cmd, "--server.sslCertFile")), Path(_option(p.cmd, "--server.sslKeyFile"))
    assert cert.parent == tmp_path / "tls" and cert.is_file() and key.is_file() and p.created_certificate
    assert lan.certificate_names(cert.read_bytes())[1] >= set(HOME)
    assert _option(p.cmd, "--server.address") == "0.0.0.0"
    assert _option(p.cmd, "--browser.serverAddress") == "192.168.1.23"  # no look-up of an "external IP"
    assert _option(p.cmd, "--browser.gatherUsageStats") == "false"
    assert p.env == {"CROSSGRAIN_WEBRTC_LAN": "1", "CROSSGRAIN_LAN_URL": "https://192.168.1.23:8443"}
    assert p.urls == ["https://192.168.1.23:8443", "https://10.0.0.5:8443"]
    assert not serve.plan(True, 8443, addresses=HOME, data_dir=tmp_path).created_certificate  # reused


def test_lan_serve_without_a_network_or_app_says_so(tmp_path):
    with pytest.raises(CliError, match="no address on a home network"):
        serve.plan(True, 8443, addresses=[], data_dir=tmp_path)
    with pytest.raises(CliError, match="app.py"):
        serve.plan(False, 8443, app_root=tmp_path)


def _cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vision.cli", "serve", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("args, message", [
    (["--port", "http"], "argument --port: must be a port number (1024-65535), got 'http'"),
    (["--port", "80"], "must be a port number between 1024 and 65535, got 80"),
    (["--port", "70000"], "must be a port number between 1024 and 65535, got 70000"),
    (["--wan"], "unrecognized arguments: --wan"),
])
def test_bad_command_lines_are_one_error_line(args, message):
    proc = _cli(*args)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crossgrain: error: ") and message in lines[0], proc.stderr


def test_a_port_in_use_is_one_error_line(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = _cli("--port", str(port), env={"CROSSGRAIN_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.strip() == (f"crossgrain: error: port {port} is already in use (is CrossGrain already "
                                   "running?): stop that, or choose another with --port")


# --------------------------------------------------------------------------- the real server

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """strace, then what it runs (a terminated strace may leave its tracee running)."""
    import psutil

    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        kids = []
    for p in [*kids, psutil.Process(proc.pid)] if proc.poll() is None else kids:
        try:
            p.terminate()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(kids, timeout=15)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@pytest.mark.slow
def test_serve_lan_answers_over_https_with_its_certificate_and_contacts_no_one(tmp_path):
    """`crossgrain serve --lan` for real (under strace when there is one): the page over https on the LAN
    address, verified with the certificate made in the data folder; plain http refused; no connection
    from the server to any host but loopback (no external-IP look-up, no telemetry)."""
    addresses = lan.lan_addresses()
    if not addresses:
        pytest.skip("this machine has no network address but loopback")
    address, port = addresses[0], _free_port()
    data = tmp_path / "data"
    trace = tmp_path / "trace.txt"
    strace = shutil.which("strace")
    cmd = [sys.executable, "-m", "vision.cli", "serve", "--lan", "--port", str(port)]
    if strace:
        cmd = [strace, "-f", "--seccomp-bpf", "-e", "trace=connect", "-o", str(trace), *cmd]
    out = tmp_path / "serve.out"
    env = {k: v for k, v in os.environ.items() if k not in ("CROSSGRAIN_WEBRTC_LAN", "CROSSGRAIN_LAN_URL")}
    with open(out, "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**env, "CROSSGRAIN_DATA_DIR": str(data)}, stdout=log,
                                stderr=subprocess.STDOUT)
    url = lan.https_url(address, port)
    cert = data / "tls" / lan.CERT_NAME
    trusted = None
    try:
        deadline = time.monotonic() + 240  # minutes on a loaded machine
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                trusted = trusted or ssl.create_default_context(cafile=str(cert))
                with direct_urlopen(url + "/_stcore/health", context=trusted, timeout=5) as r:
                    health = r.read().decode()
                    break
            except (OSError, ssl.SSLError):
                time.sleep(0.5)
        assert health == "ok", f"no https answer at {url}: {out.read_text()[-1500:]}"
        with direct_urlopen(url + "/", context=trusted, timeout=30) as r:
            page = r.read().decode()
        assert r.status == 200 and "<title>" in page and 'id="root"' in page
        served = ssl.get_server_certificate((address, port), timeout=10)
        assert ssl.PEM_cert_to_DER_cert(served) == ssl.PEM_cert_to_DER_cert(cert.read_text())
        with pytest.raises((OSError, http.client.HTTPException)):  # not on plain http
            with direct_urlopen(f"http://{address}:{port}/_stcore/health", timeout=10) as r:
                r.read()
        with pytest.raises(urllib.error.URLError) as untrusted:  # a browser that has not accepted it warns
            direct_urlopen(url + "/_stcore/health", context=ssl.create_default_context(), timeout=10)
        assert isinstance(untrusted.value.reason, ssl.SSLCertVerificationError)
    finally:
        _stop(proc)
    text = out.read_text()
    assert f"CrossGrain on your home network: {url}" in text and "Show Details" in text, text[-2000:]
    assert oct(cert.stat().st_mode & 0o777) == "0o600"
    if strace:
        from test_network_privacy import inet_calls, non_loopback

        connects = inet_calls(trace, "connect")
        assert non_loopback(connects) == [], connects
