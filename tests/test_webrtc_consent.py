"""Issue 16's root cause, without a browser: ICE consent on a server too busy to read answers in time.

Two real aioice connections talk over loopback UDP. The answering side sends its STUN
answers late, as this server's shared event loop did with two live sessions (answers
measured 1-11 s late): aioice's own consent check (0.5 s per check, no retransmission)
closes the connection though the peer is there, the check installed by
vision/io/webrtc_consent.py keeps it, and still lets go of a peer that stops answering.
The consent timings are shrunk (interval 0.3 s, window 1.2 s) so this runs in seconds.
"""

from __future__ import annotations

import asyncio

import pytest

aioice = pytest.importorskip("aioice")
import aioice.ice  # noqa: E402
import aioice.stun  # noqa: E402

from vision.io import webrtc_consent  # noqa: E402

LATE_S = 0.8  # later than aioice's 0.5 s per check, inside the consent window
WATCH_S = 4.5  # aioice's own check gives up after 4 misses of ~0.3 + 0.5 s


@pytest.fixture
def short_consent(monkeypatch):
    monkeypatch.setattr(aioice.ice, "CONSENT_INTERVAL", 0.3)
    monkeypatch.setattr(aioice.ice, "CONSENT_FAILURES", 4)  # window: 1.2 s
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


@pytest.fixture
def consent_check(monkeypatch, request):
    """Which consent check the connections run: aioice's own, or ours."""
    stock = getattr(aioice.ice.Connection, "_crossgrain_original_query_consent", aioice.ice.Connection.query_consent)
    mine = webrtc_consent.query_consent
    monkeypatch.setattr(aioice.ice.Connection, "query_consent", mine if request.param == "ours" else stock)
    return request.param


def _answers(connection: aioice.ice.Connection, delay_s: float | None) -> None:
    """The connection's STUN answers go out ``delay_s`` late (None: never); its requests as usual."""
    for protocol in connection._protocols:
        send = protocol.send_stun

        def send_stun(message, addr, send=send):
            if message.message_class != aioice.stun.Class.RESPONSE:
                return send(message, addr)
            if delay_s is not None:
                asyncio.get_running_loop().call_later(delay_s, send, message, addr)

        protocol.send_stun = send_stun


async def _connected_pair() -> tuple[aioice.ice.Connection, aioice.ice.Connection]:
    server = aioice.ice.Connection(ice_controlling=True)
    browser = aioice.ice.Connection(ice_controlling=False)
    await asyncio.gather(server.gather_candidates(), browser.gather_candidates())
    for a, b in ((server, browser), (browser, server)):
        for candidate in b.local_candidates:
            await a.add_remote_candidate(candidate)
        await a.add_remote_candidate(None)
        a.remote_username, a.remote_password = b.local_username, b.local_password
    await asyncio.wait_for(asyncio.gather(server.connect(), browser.connect()), 10)
    return server, browser


def _run_pair(browser_answers_after_s: float | None, watch_s: float) -> bool:
    """Connect, make the browser's answers late (or stop them), watch; True if the server closed."""

    async def scenario() -> bool:
        server, browser = await _connected_pair()
        try:
            _answers(browser, browser_answers_after_s)
            await asyncio.sleep(watch_s)
            return server._closing
        finally:
            await asyncio.gather(server.close(), browser.close())

    return asyncio.run(scenario())


@pytest.mark.parametrize("consent_check", ["aioice"], indirect=True)
def test_aioice_own_consent_check_drops_a_peer_whose_answers_are_late(short_consent, consent_check):
    """The mechanism of issue 16 (if this starts failing, aioice has fixed it and ours can go)."""
    assert _run_pair(LATE_S, watch_s=WATCH_S), "aioice kept a connection whose consent answers came 0.8 s late"


@pytest.mark.parametrize("consent_check", ["ours"], indirect=True)
def test_late_consent_answers_keep_the_connection(short_consent, consent_check):
    assert not _run_pair(LATE_S, watch_s=WATCH_S), "late consent answers closed the connection"


@pytest.mark.parametrize("consent_check", ["ours"], indirect=True)
def test_a_peer_that_stops_answering_is_still_let_go(short_consent, consent_check):
    assert _run_pair(None, watch_s=WATCH_S), "a connection nobody answers was kept beyond its 1.2 s consent window"


def test_apply_consent_freshness_is_idempotent():
    webrtc_consent.apply_consent_freshness()
    webrtc_consent.apply_consent_freshness()
    assert aioice.ice.Connection.query_consent is webrtc_consent.query_consent
    assert aioice.ice.Connection._crossgrain_original_query_consent is not webrtc_consent.query_consent
