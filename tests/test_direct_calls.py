"""MediaPipe's calls made on the caller's thread (vision/io/direct_calls.py, issue 18)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from vision.io import tracking
from vision.io.direct_calls import _OnTheCaller
from vision.io.video import iter_frames

from test_parallel import SAMPLE


def _hands(frames, direct: bool, monkeypatch) -> list:
    if not direct:
        monkeypatch.setattr(tracking, "call_directly", lambda *args: False)
    with tracking.HandTracker() as tracker:
        out = [tracker.process_all(f.rgb, f.t) for f in frames]
    monkeypatch.undo()
    return out


def test_the_installed_mediapipe_is_called_directly_and_finds_the_same_hands(monkeypatch):
    """If a MediaPipe upgrade moves its dispatcher, this says so instead of silently paying the hand-offs."""
    with tracking.HandTracker() as tracker:
        assert isinstance(tracker._landmarker._lib._executor, _OnTheCaller)
        assert isinstance(tracker._one_hand._lib._executor, _OnTheCaller)
    frames = [f for _, f in zip(range(45), iter_frames(SAMPLE))]
    direct, dispatched = _hands(frames, True, monkeypatch), _hands(frames, False, monkeypatch)
    assert sum(len(h) for h in direct) >= 40  # the sample's hand, in nearly every frame
    assert [len(h) for h in direct] == [len(h) for h in dispatched]
    for a, b in zip(direct, dispatched):
        for ha, hb in zip(a, b):
            assert np.array_equal(ha.xy, hb.xy)


def test_calls_run_on_the_callers_thread_one_at_a_time():
    pool = _OnTheCaller()
    threads, running, overlapped = [], [0], [False]

    def call(k):
        running[0] += 1
        overlapped[0] |= running[0] > 1
        threads.append(threading.get_ident())
        time.sleep(0.01)
        running[0] -= 1
        return k * 2

    assert pool.submit(call, 21).result() == 42
    assert threads == [threading.get_ident()]
    workers = [threading.Thread(target=lambda: pool.submit(call, 1).result()) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not overlapped[0]
    assert len(set(threads)) == 5


def test_an_error_in_a_call_reaches_the_caller():
    def fails():
        raise RuntimeError("MP_INVALID_ARGUMENT")

    with pytest.raises(RuntimeError, match="MP_INVALID_ARGUMENT"):
        _OnTheCaller().submit(fails).result()
