"""A landmarker's native calls made on the calling thread, not on MediaPipe's dispatcher thread.

mediapipe 1.x sends every C call of a task through a thread of its own
(``SerialDispatcher``: a one-worker pool per landmarker), so that calls from
several Python threads never overlap. Each call is then two thread hand-offs,
and each hand-off waits for the GIL: up to the interpreter's switch interval
(5 ms) whenever another thread is running Python. On the live page (the
verdict and overlay beside the tracking, Streamlit's own threads) and in one
video tracked on two threads, that wait is paid several times a frame.

``call_directly(landmarker)`` re-registers the task's C functions with an
executor that runs each call at once on the caller's thread, under a lock of
the landmarker's own: calls still never overlap, and ctypes releases the GIL
for the time the C code runs. The hands found are the same bit for bit
(``tests/test_direct_calls.py``). If the installed MediaPipe is not built
that way (no dispatcher), the landmarker is left as it is.
"""

from __future__ import annotations

import concurrent.futures
import threading


class _OnTheCaller(concurrent.futures.Executor):
    """Runs each submitted call at once, in the thread that submits it, one call at a time."""

    def __init__(self):
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        with self._lock:
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as error:  # noqa: BLE001 - handed to the caller by future.result()
                future.set_exception(error)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing runs in the background."""


def call_directly(landmarker, signatures) -> bool:
    """Make ``landmarker``'s C calls (its task module's ``signatures``) on the calling thread.

    True when done; False when the landmarker has no dispatcher to bypass (another MediaPipe build).
    """
    dispatcher = getattr(landmarker, "_lib", None)
    register = getattr(dispatcher, "_register_signature", None)
    pool = getattr(dispatcher, "_executor", None)
    if register is None or not isinstance(pool, concurrent.futures.ThreadPoolExecutor) or not signatures:
        return False
    dispatcher._executor = _OnTheCaller()
    for signature in signatures:
        register(signature)
    pool.shutdown(wait=True)  # its thread has no call left to make
    return True
