"""`crossgrain serve [--lan] [--port N]`: start the app; with --lan, for a phone on the home network.

Without --lan: the app on http://127.0.0.1:PORT, as `make run` (browsers give
localhost the camera without https).

With --lan: Streamlit listens on every interface over https, with the
self-signed certificate made on first use in the data folder
(vision/io/lan.py); the WebRTC host candidates are allowed on the network
(CROSSGRAIN_WEBRTC_LAN=1, vision/io/webrtc_net.py), and still no STUN or TURN
server, no usage statistics: the video goes from the phone to this computer
and nowhere else. The address is printed with a QR code, and the page shows
the same code (CROSSGRAIN_LAN_URL).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from ..io import native_stderr
from .common import CliError

DEFAULT_PORT = 8501
APP_ROOT = Path(__file__).resolve().parents[2]  # the checkout: app.py, pages_/, .streamlit/config.toml


def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a port number (1024-65535), got {text!r}") from None
    if not 1024 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number between 1024 and 65535, got {value}")
    return value


def register(sub) -> None:
    p = sub.add_parser("serve", help="start the app (--lan: for a phone on your home network, over https)",
                       description="Start the CrossGrain app. Without --lan it listens on this computer only "
                                   "(http://127.0.0.1:PORT). With --lan it serves the home network over https, "
                                   "with a certificate made on this computer on first use, so a phone on the same "
                                   "Wi-Fi can be the camera; the video stays on the home network.")
    p.add_argument("--lan", action="store_true", help="serve the home network over https (phone as the camera)")
    p.add_argument("--port", type=port_number, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.set_defaults(func=run)


@dataclass(frozen=True)
class ServePlan:
    """What `crossgrain serve` runs: the command, its folder and the environment it adds."""

    cmd: list[str]
    cwd: Path
    env: dict[str, str]
    urls: list[str]  # where to open it (the first is the one to show)
    created_certificate: bool = False


def plan(lan: bool, port: int, addresses: list[str] | None = None, data_dir: Path | None = None,
         python: str = sys.executable, app_root: Path = APP_ROOT) -> ServePlan:
    """The streamlit command and environment for `serve` (no process started). Raises CliError."""
    from ..io import lan as lan_io

    app = app_root / "app.py"
    if not app.is_file():
        raise CliError(f"the app (app.py) is not beside the vision package in {app_root}: "
                       "run crossgrain serve from a CrossGrain checkout")
    cmd = [python, "-m", "streamlit", "run", str(app), "--server.port", str(port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]
    env = {"CROSSGRAIN_WEBRTC_LAN": "0"}
    if not lan:
        return ServePlan([*cmd, "--server.address", "127.0.0.1"], app_root, env, [f"http://localhost:{port}"])
    addresses = lan_io.lan_addresses() if addresses is None else addresses
    if not addresses:
        raise CliError("this computer has no address on a home network: connect it to Wi-Fi or Ethernet "
                       "(the same network as the phone) and try again")
    try:
        files = lan_io.ensure_certificate(addresses, lan_io.tls_dir(data_dir))
    except lan_io.LanError as exc:
        raise CliError(str(exc)) from None
    urls = [lan_io.https_url(a, port) for a in addresses]
    # browser.serverAddress: Streamlit, listening on every interface, would otherwise look up the
    # machine's "external IP" on the internet (checkip.amazonaws.com) to print it.
    cmd += ["--server.address", "0.0.0.0", "--browser.serverAddress", addresses[0],
            "--server.sslCertFile", str(files.cert), "--server.sslKeyFile", str(files.key)]
    env = {"CROSSGRAIN_WEBRTC_LAN": "1", lan_io.SERVE_URL_ENV: urls[0]}
    return ServePlan(cmd, app_root, env, urls, files.created)


def check_port_free(port: int, address: str) -> None:
    with socket.socket() as s:
        try:
            s.bind((address, port))
        except OSError:
            raise CliError(f"port {port} is already in use (is CrossGrain already running?): "
                           "stop that, or choose another with --port") from None


def announce(p: ServePlan, lan: bool, stream=sys.stdout) -> None:
    from ..io import lan as lan_io

    if not lan:
        print(f"CrossGrain on this computer: {p.urls[0]}", file=stream)
        return
    print(f"CrossGrain on your home network: {p.urls[0]}", file=stream)
    for other in p.urls[1:]:
        print(f"  (also {other})", file=stream)
    cert = Path(p.cmd[p.cmd.index("--server.sslCertFile") + 1])
    made = "made now" if p.created_certificate else "made earlier, reused"
    print(f"Certificate ({made}): {cert}\n  SHA-256 {lan_io.certificate_fingerprint(cert)}", file=stream)
    if stream.isatty():
        lan_io.qr_code(p.urls[0]).terminal(out=stream, compact=True)
    for k, step in enumerate(lan_io.phone_steps(p.urls[0]), 1):
        print(f"{k}. {step.replace('**', '')}", file=stream)
    print(lan_io.CERTIFICATE_WARNING.replace("**", ""), file=stream)
    print(lan_io.STAYS_HOME, file=stream)
    if os.environ.get("CROSSGRAIN_ICE_SERVERS", "").strip():
        print("Note: CROSSGRAIN_ICE_SERVERS is set, so the video may go through the servers it names; "
              "unset it to keep the video on the home network.", file=stream)
    stream.flush()


def run(args: argparse.Namespace) -> int:
    p = plan(args.lan, args.port)
    check_port_free(args.port, "0.0.0.0" if args.lan else "127.0.0.1")
    announce(p, args.lan)
    env = {**os.environ, **p.env}
    os.chdir(p.cwd)  # .streamlit/config.toml there applies
    native_stderr.restore()  # the server's own log is for whoever runs it
    os.execvpe(p.cmd[0], p.cmd, env)  # streamlit in this process: Ctrl-C and SIGTERM reach it directly
    return 0  # not reached
