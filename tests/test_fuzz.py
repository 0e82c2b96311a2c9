"""Fuzzing the decode-and-analyse path with mutated video files (hypothesis, bounded for CI).

Whatever the bytes, ``analyze_video`` returns a Report or raises VideoError: nothing
else escapes, nothing hangs. Deterministic in CI (derandomize); set
CROSSGRAIN_FUZZ_EXAMPLES=500 for a longer, random run on a quiet machine.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hard_inputs import _mp4_bytes, run_limited, seed_mp4_bytes
from media import still_frame, write_video
from vision.pipeline import analyze_video
from vision.core.report import Report
from vision.io.video import VideoError

EXAMPLES = int(os.environ.get("CROSSGRAIN_FUZZ_EXAMPLES", "25"))  # every one is checked; more with the variable


def _seeds() -> dict[str, bytes]:
    seeds = {"mp4_faststart": seed_mp4_bytes(), "mp4_index_last": _mp4_bytes(n=12, width=160, height=120)}
    with tempfile.TemporaryDirectory(prefix="crossgrain-fuzz-") as tmp:
        frames = [still_frame(160, 120)] * 8
        times = [k / 30 for k in range(8)]
        for name, kw in {"mkv": dict(), "webm": dict(codec="libvpx-vp9", container_format="webm")}.items():
            try:
                seeds[name] = write_video(Path(tmp) / f"seed.{name}", frames, times, **kw).read_bytes()
            except Exception:  # noqa: BLE001 - an encoder missing from this build: fewer seeds
                pass
    return seeds


SEEDS = _seeds()
SUFFIX = {"mp4_faststart": ".mp4", "mp4_index_last": ".mp4", "mkv": ".mkv", "webm": ".webm"}

# One mutation: (kind, where: "data" = among the coded frames or "any" = header included,
# position as a fraction of that region, a parameter). Most land in the frames, so that
# many mutated files still decode and the analysis after the decoder gets fuzzed too.
mutation = st.tuples(
    st.sampled_from(["flip", "flip", "overwrite", "zero", "delete", "duplicate", "truncate"]),
    st.sampled_from(["data", "data", "data", "any"]),
    st.floats(0.0, 1.0),
    st.integers(0, 255),
)


def data_start(data: bytes) -> int:
    """Where the coded frames begin (after an MP4 'mdat' box header; a tenth in for other containers)."""
    k = data.find(b"mdat")
    return k + 8 if 0 <= k < len(data) - 8 else len(data) // 10


def mutate(data: bytes, ops: list[tuple[str, str, float, int]]) -> bytes:
    out = bytearray(data)
    for kind, region, where, value in ops:
        if not out:
            break
        lo = min(data_start(bytes(out)), len(out) - 1) if region == "data" else 0
        k = lo + min(int(where * (len(out) - lo)), len(out) - lo - 1)
        n = 1 + value % 64
        if kind == "flip":
            out[k] ^= 1 << (value % 8)
        elif kind == "overwrite":
            out[k:k + n] = bytes((value * 31 + j * 7) % 256 for j in range(n))
        elif kind == "truncate":
            del out[k:]
        elif kind == "delete":
            del out[k:k + n]
        elif kind == "duplicate":
            out[k:k] = out[k:k + n * 8]
        elif kind == "zero":
            out[k:k + n * 4] = bytes(len(out[k:k + n * 4]))
    return bytes(out)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 40, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(sorted(SEEDS)), ops=st.lists(mutation, min_size=1, max_size=4), annotate=st.booleans())
def test_mutated_files_give_a_report_or_a_video_error(seed, ops, annotate):
    data = mutate(SEEDS[seed], ops)
    with tempfile.TemporaryDirectory(prefix="crossgrain-fuzz-") as tmp:
        path = Path(tmp) / f"fuzz{SUFFIX[seed]}"
        path.write_bytes(data)
        annotated = Path(tmp) / "annotated.mp4" if annotate else None
        try:
            report = run_limited(lambda: analyze_video(path, 90.0, annotated_path=annotated), limit_s=30.0)
        except VideoError as exc:
            assert str(exc) and "\n" not in str(exc)
            return
        assert isinstance(report, Report) and report.frames
        times = [f.t for f in report.frames]
        assert times == sorted(times)


def test_mutate_is_deterministic_and_changes_bytes():
    data = SEEDS["mp4_faststart"]
    ops = [("flip", "data", 0.5, 3), ("truncate", "any", 0.9, 0)]
    assert mutate(data, ops) == mutate(data, ops) != data
    assert len(mutate(data, [("truncate", "any", 0.0, 0)])) == 0
    assert mutate(data, [("zero", "data", 0.0, 0)])[:data_start(data)] == data[:data_start(data)]


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seeds_are_valid_videos(seed, tmp_path):
    path = tmp_path / f"seed{SUFFIX[seed]}"
    path.write_bytes(SEEDS[seed])
    assert analyze_video(path, 90.0).frames
