"""The live server's GIL switch interval (vision/io/gil_switch.py): its value, and why (issue 16).

The mechanism test is the event loop of the live server in small: an asyncio loop thread
answers UDP datagrams (as aiortc does RTP and ICE) while two other Python threads stay busy
(as hand tracking and drawing do). Each answer costs the loop thread a GIL wait after its
socket calls; at the default 5 ms the answers come back many times later than at 0.5 ms.
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import sys
import threading
import time

import pytest

from vision.io.gil_switch import LIVE_SWITCH_S, SWITCH_ENV, apply_live_switch_interval, live_switch_interval_s


@pytest.fixture
def restore_switch_interval():
    before = sys.getswitchinterval()
    yield
    sys.setswitchinterval(before)


def test_the_live_interval_and_its_override(restore_switch_interval):
    assert live_switch_interval_s({}) == LIVE_SWITCH_S == 0.0005
    assert live_switch_interval_s({SWITCH_ENV: "2"}) == 0.002
    assert live_switch_interval_s({SWITCH_ENV: "fast"}) == LIVE_SWITCH_S  # not a number: the default
    assert live_switch_interval_s({SWITCH_ENV: "-1"}) == LIVE_SWITCH_S
    assert apply_live_switch_interval({}) == sys.getswitchinterval() == pytest.approx(LIVE_SWITCH_S)


def test_the_live_page_sets_it_before_a_stream(restore_switch_interval):
    from vision.ui.live_stream import prepare_live_server

    sys.setswitchinterval(0.005)
    prepare_live_server({})
    assert sys.getswitchinterval() == pytest.approx(LIVE_SWITCH_S)


def _burst_answered_s(n: int = 100) -> float:
    """Seconds until a loop thread has answered a burst of ``n`` datagrams, with two busy threads.

    A burst, as a video frame's RTP packets arrive: asyncio reads one datagram a turn, and
    every turn the loop thread takes the GIL back after its socket calls.
    """
    loop = asyncio.new_event_loop()

    class Echo(asyncio.DatagramProtocol):
        def connection_made(self, transport):
            self.transport = transport

        def datagram_received(self, data, addr):
            self.transport.sendto(data, addr)

    transport, _ = loop.run_until_complete(loop.create_datagram_endpoint(Echo, local_addr=("127.0.0.1", 0)))
    server = transport.get_extra_info("sockname")
    loop_thread = threading.Thread(target=loop.run_forever, daemon=True)
    loop_thread.start()
    stop = threading.Event()

    def busy():
        x = 0
        while not stop.is_set():
            x = (x * 31 + 7) % 1000003  # pure Python: holds the GIL until asked to let go

    workers = [threading.Thread(target=busy, daemon=True) for _ in range(2)]
    for w in workers:
        w.start()
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.settimeout(10.0)
    try:
        time.sleep(0.05)
        start = time.perf_counter()
        for k in range(n):
            client.sendto(k.to_bytes(4, "big"), server)
        for _ in range(n):
            client.recvfrom(16)
        return time.perf_counter() - start
    finally:
        stop.set()
        for w in workers:
            w.join()
        client.close()
        loop.call_soon_threadsafe(transport.close)
        loop.call_soon_threadsafe(loop.stop)
        loop_thread.join()
        loop.close()


GIL_BOUND_S = 0.1  # at 5 ms, a burst this slow waited on the GIL, not on the OS


@pytest.mark.alone
def test_a_short_switch_interval_answers_the_event_loops_packets_sooner(restore_switch_interval):
    """On a quiet machine about 600 ms against 26 ms. With other processes on both cores the OS, not the
    GIL, decides who runs (seen: 18 ms against 9 ms; 25-41 ms at 5 ms with an evaluation on both cores),
    so the effect can only be seen while the GIL is what delays the loop: up to six tries for one that
    shows it; if none was GIL-bound (100 ms or more at 5 ms) the machine was too busy to measure it."""
    tries = []
    for _ in range(6):
        sys.setswitchinterval(0.005)
        default = statistics.median(_burst_answered_s() for _ in range(3))
        sys.setswitchinterval(LIVE_SWITCH_S)
        live = statistics.median(_burst_answered_s() for _ in range(3))
        print(f"100 datagrams answered, two busy threads: in {default * 1000:.0f} ms at 5 ms, "
              f"{live * 1000:.0f} ms at {LIVE_SWITCH_S * 1000:g} ms")
        tries.append((default, live))
        if live < default / 2:
            return
    if all(default < GIL_BOUND_S for default, _ in tries):
        pytest.skip(f"the machine was too busy for the GIL to be what delays the loop: {tries}")
    assert False, f"a {LIVE_SWITCH_S * 1000:g} ms switch interval did not halve the answer time: {tries}"
