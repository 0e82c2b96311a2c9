"""A short GIL switch interval for the live server, so the WebRTC event loop is not starved.

All live streams' networking (every RTP packet in and out, ICE, DTLS, the sound's 50
audio frames a second each) and Streamlit's own websockets run on one asyncio loop
thread, while each stream's hand tracking, drawing and codecs keep other Python threads
busy. The loop thread gives up the GIL at every socket call and then waits for it; a
thread waiting for the GIL only asks the running one to let go after
``sys.getswitchinterval()``, 5 ms by default. With two live sessions on two cores that
wait, paid several times per packet, was more than the loop had: its UDP receive queues
filled (400-500 kB, packets dropped), the pages stopped updating, and the browser's ICE
consent answers were read seconds late (issue 16; vision/io/webrtc_consent.py).

Measured here (two sessions, sound on, 320x240 at 15 fps, 40 s, a loaded 2-core machine):
at 5 ms the receive queues stayed at 400-500 kB and both panels froze; at 0.5 ms they
stayed near 0 and both panels counted on. The cost is more frequent switches between
busy threads (microseconds each). ``CROSSGRAIN_GIL_SWITCH_MS`` overrides the value.
"""

from __future__ import annotations

import os
import sys

SWITCH_ENV = "CROSSGRAIN_GIL_SWITCH_MS"
LIVE_SWITCH_S = 0.0005


def live_switch_interval_s(env=None) -> float:
    """The interval to use: CROSSGRAIN_GIL_SWITCH_MS (milliseconds, positive) or LIVE_SWITCH_S."""
    raw = (os.environ if env is None else env).get(SWITCH_ENV, "").strip()
    try:
        ms = float(raw) if raw else 0.0
    except ValueError:
        ms = 0.0
    return ms / 1000.0 if ms > 0 else LIVE_SWITCH_S


def apply_live_switch_interval(env=None) -> float:
    """Set the process's GIL switch interval for live streams (idempotent); returns it."""
    wanted = live_switch_interval_s(env)
    sys.setswitchinterval(wanted)
    return wanted
