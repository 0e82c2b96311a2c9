"""Where the live page's WebRTC listens: loopback by default, the LAN only when asked.

aiortc gathers ICE host candidates through ``aioice.ice.get_host_addresses``,
which lists every interface address and leaves out 127.0.0.1; each becomes a
UDP socket. So the server, although Streamlit listens on 127.0.0.1 only, would
open UDP ports on the machine's network addresses during a live session. No
setting of aiortc or streamlit-webrtc chooses the addresses, so this module
replaces that one function (process-wide, at the adapter boundary) by one that
returns 127.0.0.1, unless ``CROSSGRAIN_WEBRTC_LAN=1`` asks for aioice's own
list (serving the page to a phone on the same network).
"""

from __future__ import annotations

import os

LAN_ENV = "CROSSGRAIN_WEBRTC_LAN"
LOOPBACK_ADDRESSES = ["127.0.0.1"]


def lan_requested(env=None) -> bool:
    """True when CROSSGRAIN_WEBRTC_LAN is 1/true/yes/on."""
    value = (os.environ if env is None else env).get(LAN_ENV, "").strip().lower()
    return value in ("1", "true", "yes", "on")


def loopback_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    """aioice's get_host_addresses, restricted to loopback (IPv4: browsers offer no ::1 candidates)."""
    return list(LOOPBACK_ADDRESSES) if use_ipv4 else []


def apply_ice_scope(env=None) -> str:
    """Set where ICE host candidates are gathered; returns "loopback" or "lan". Idempotent."""
    import aioice.ice

    original = getattr(aioice.ice, "_crossgrain_original_get_host_addresses", None)
    if original is None:
        original = aioice.ice.get_host_addresses
        aioice.ice._crossgrain_original_get_host_addresses = original
    if lan_requested(env):
        aioice.ice.get_host_addresses = original
        return "lan"
    aioice.ice.get_host_addresses = loopback_host_addresses
    return "loopback"
