"""ICE consent freshness that a busy server survives: late answers count (RFC 7675).

Every live stream's peer connection checks, every ~5 s, that the browser still
wants its packets (a STUN consent check). aioice 0.13 (``Connection.query_consent``
in aioice/ice.py) sends each check with ``retransmissions=0``: the answer must be
back within the first STUN timeout, 0.5 s (``RETRY_RTO`` in aioice/stun.py), and six
such misses in a row (``CONSENT_FAILURES``) close the connection. An answer that
comes later is dropped as unknown.

On this server all streams share one asyncio loop (Streamlit's), and it reads one
UDP datagram per socket per turn, so a STUN answer waits behind the video's RTP in
the socket's queue. With two live sessions on two cores (two hand trackers, the
sound's 50 audio frames a second each) the answers were measured coming back 1 to
11 s late, though the browser was there all along: aioice closed the older
session's connection after ~30 s and its page said "Camera stopped" (issue 16).

RFC 7675 section 5.1 asks less: consent expires when no answer to any check sent in
the last 30 s has come back. This module replaces ``Connection.query_consent``
(process-wide, at the adapter boundary, like vision/io/webrtc_net.py) by one that
keeps each check open for the whole window, so a late answer renews consent, and
closes the connection only after that window without any answer: a browser that is
really gone is still let go after the same ~30 s.
"""

from __future__ import annotations

import asyncio
import logging
import random

logger = logging.getLogger(__name__)

_MARK = "_crossgrain_consent_tolerates_late_answers"


def consent_window_s() -> float:
    """How long without any answer before consent expires: aioice's own 6 x 5 s (read now: tests shrink them)."""
    import aioice.ice

    return float(aioice.ice.CONSENT_INTERVAL * aioice.ice.CONSENT_FAILURES)


async def query_consent(self) -> None:
    """Consent checks every ~CONSENT_INTERVAL s; each stays open (retransmitted on STUN's schedule) for
    the consent window, and any answer renews consent; none for a whole window closes the connection."""
    import aioice.ice
    import aioice.stun

    assert self.remote_password is not None
    loop = asyncio.get_running_loop()
    last_answer = loop.time()
    checks: set[asyncio.Task] = set()

    async def check(pair, window_s: float) -> None:
        nonlocal last_answer
        request = self.build_request(pair, nominate=False)
        try:
            await asyncio.wait_for(
                pair.protocol.request(request, pair.remote_addr,
                                      integrity_key=self.remote_password.encode("utf8")),
                timeout=window_s)
            last_answer = max(last_answer, loop.time())
        except (aioice.stun.TransactionError, asyncio.TimeoutError, ConnectionError, OSError):
            pass  # no answer (yet): only the window without any answer decides

    try:
        while True:
            await asyncio.sleep(aioice.ice.CONSENT_INTERVAL * (0.8 + 0.4 * random.random()))
            window_s = consent_window_s()
            for pair in list(self._nominated.values()):
                task = asyncio.ensure_future(check(pair, window_s))
                checks.add(task)
                task.add_done_callback(checks.discard)
            if loop.time() - last_answer > window_s:
                logger.info("%s Consent to send expired: no answer to a consent check for %.0f s", self, window_s)
                self._query_consent_task = None
                await self.close()
                return
    finally:
        for task in list(checks):
            task.cancel()


def apply_consent_freshness() -> None:
    """Install the late-tolerant consent check on aioice's Connection (idempotent; before connections start)."""
    import aioice.ice

    if getattr(aioice.ice.Connection, _MARK, False):
        return
    aioice.ice.Connection._crossgrain_original_query_consent = aioice.ice.Connection.query_consent
    aioice.ice.Connection.query_consent = query_consent
    setattr(aioice.ice.Connection, _MARK, True)
