"""Preloaded by the worker processes of ``--cluster local`` (Dask's ``preload``): Ctrl-C is the command's.

A terminal's Ctrl-C reaches every process of the foreground group, the local
cluster's workers too. Each would then print Dask's and asyncio's tracebacks
while the command, which owns the batch, is already stopping them (closing the
cluster: no orphan, nothing half-written). So they ignore SIGINT, as the local
pool's workers do (vision/cli/batch.py). Workers of a cluster started with
``dask worker`` are not touched: Ctrl-C in their terminal stops them.

A worker stopped in the middle of a video frees that video's tracker as it
closes, and MediaPipe then prints its INFO lines to fd 2: a closing local
worker's fd 2 goes to /dev/null (set CROSSGRAIN_DEBUG=1 to see them).
"""

from __future__ import annotations

import os
import signal
import sys

PLUGIN_NAME = "crossgrain-quiet-close"


def dask_setup(worker) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not os.environ.get("CROSSGRAIN_DEBUG"):
        worker.plugins[PLUGIN_NAME] = QuietClose()  # its teardown runs when the worker closes


class QuietClose:
    """A worker plugin with only a teardown: the closing worker's native output is dropped."""

    def teardown(self, worker) -> None:
        try:
            sys.stderr.flush()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        except (OSError, ValueError):
            pass
