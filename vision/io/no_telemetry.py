"""Keep MediaPipe's usage logger off the network.

The PyPI builds of mediapipe after 0.10.21 (1.2.3 included) link an internal
usage logger that posts to ``https://play.googleapis.com/log`` through the
libcurl built into ``libmediapipe.so`` when a task closes
(google-ai-edge/mediapipe issue 6291). The open-source tree has no switch for
it: ``BaseOptions`` offers none, and neither an empty CA bundle nor an unknown
host environment stops it (tried, with strace).

What does stop it, measured: libcurl honours the standard proxy variables, and
a proxy URL with a scheme curl does not support makes every HTTPS request fail
inside curl before any DNS look-up or connect. This process needs no outbound
HTTP of its own (the server only listens; WebRTC's UDP is not proxied), so the
variables are set process-wide, loopback excepted, before any task is created.
tests/test_no_telemetry.py traces connect() during a CLI analysis and a live
session to prove that no peer other than loopback is contacted.
"""

from __future__ import annotations

import os

# curl rejects this scheme ("Unsupported proxy scheme") without resolving or connecting.
BLOCKING_PROXY = "blocked-no-telemetry://0"
LOOPBACK = "localhost,127.0.0.1,::1"
_VARIABLES = {
    "https_proxy": BLOCKING_PROXY, "HTTPS_PROXY": BLOCKING_PROXY,
    "http_proxy": BLOCKING_PROXY, "HTTP_PROXY": BLOCKING_PROXY,
    "all_proxy": BLOCKING_PROXY, "ALL_PROXY": BLOCKING_PROXY,
    # An inherited no_proxy=* would let the logger through: only loopback bypasses.
    "no_proxy": LOOPBACK, "NO_PROXY": LOOPBACK,
}


def block_outbound_http(env=None) -> None:
    """Point every HTTP(S) proxy variable at a proxy curl refuses (loopback excepted). Idempotent."""
    env = os.environ if env is None else env
    env.update(_VARIABLES)
