"""Bad and odd video through the CLI and the app's upload path: a clear result or a clear error, never a crash.

The corpus (tests/hard_inputs.py) is generated here, on the fly; tools/robustness.py prints
the same inputs as a table. Each case runs under a time limit, so a hang fails the test
instead of stalling CI.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hard_inputs import ERROR, EITHER, NAMES, REPORT, build_corpus, run_limited
from vision import cli
from vision.core.report import Report
from vision.ui.uploads import UPLOAD_TYPES, UploadError, analyze_bytes
from vision.io.video import VideoError, iter_frames

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return {h.name: h for h in build_corpus(tmp_path_factory.mktemp("hard"))}


def test_corpus_covers_the_issue(corpus):
    wanted = {"truncated_moov_last", "truncated_faststart", "bitflip_data", "zero_byte", "zero_frames",
              "audio_only_mp4", "jpeg_renamed", "huge_4000x3000", "odd_641x479", "fps_1", "fps_120",
              "variable_fps", "rotated_90", "rotated_180", "rotated_270", "10bit", "yuv444", "grayscale"}
    assert wanted <= set(corpus), wanted - set(corpus)


@pytest.mark.parametrize("name", NAMES)
def test_cli_gives_a_report_or_one_line_error(name, corpus, tmp_path, capsys):
    if name not in corpus:
        pytest.skip(f"{name}: encoder not in this PyAV build")
    item = corpus[name]
    out = tmp_path / "report.json"
    rc = run_limited(lambda: cli.main(["analyze", str(item.path), "--foot-axis", "90", "--json", str(out)]))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    if rc == 0:
        assert item.expect in (REPORT, EITHER), f"{name}: a report where a clear error was expected"
        data = json.loads(out.read_text())
        assert data["schema"] == "crossgrain.report/1" and data["frames"], name
        times = [f["t"] for f in data["frames"]]
        assert times == sorted(times) and times[0] == 0.0  # time never runs backwards
        assert [f["i"] for f in data["frames"]] == list(range(len(times)))
        if item.expect == REPORT and item.frames:
            assert len(times) == item.frames, name
        assert captured.err.strip() == ""
    else:
        assert rc == cli.EXIT_USAGE, f"{name}: exit code {rc}"
        assert item.expect in (ERROR, EITHER), f"{name}: an error where a report was expected: {captured.err}"
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("crossgrain: error: "), captured.err
        assert item.path.name in lines[0]  # names the file
        assert "internal error" not in lines[0]  # a clear error about the file, not a bug of ours
        assert not out.exists()


@pytest.mark.parametrize("name", NAMES)
def test_app_upload_gives_a_report_or_a_clear_message(name, corpus):
    if name not in corpus:
        pytest.skip(f"{name}: encoder not in this PyAV build")
    item = corpus[name]
    if item.cli_only:
        pytest.skip(f"{name}: a file-system object, nothing to upload")
    display = f"My {name}{item.path.suffix}"
    data = item.path.read_bytes()
    try:
        analysis = run_limited(lambda: analyze_bytes(data, display, 90.0, "cross_friction", 200.0))
    except (UploadError, VideoError) as exc:
        message = str(exc)
        refused_by_type = isinstance(exc, UploadError) and item.path.suffix.lstrip(".") not in UPLOAD_TYPES
        assert item.expect in (ERROR, EITHER) or refused_by_type, f"{name}: {message}"
        assert display in message  # the user's own name, not our private temp path
        assert "crossgrain-" not in message and "upload" + item.path.suffix not in message
        assert "\n" not in message
        return
    assert item.expect in (REPORT, EITHER), f"{name}: a report where a clear error was expected"
    assert isinstance(analysis.report, Report) and analysis.report.frames
    assert analysis.report.source == display
    assert analysis.video_mp4 and analysis.video_mp4[4:8] == b"ftyp"  # the annotated copy plays


@pytest.mark.parametrize("name", ["huge_4000x3000", "odd_641x479", "rotated_90", "rotated_180", "rotated_270",
                                  "10bit", "yuv444", "grayscale", "tiny_32x24"])
def test_odd_pictures_decode_upright_rgb_within_max_side(name, corpus):
    item = corpus[name]
    frames = list(iter_frames(item.path, max_side=1280))
    assert len(frames) == item.frames
    w, h = item.upright_size
    scale = min(1.0, 1280 / max(w, h))
    for f in frames:
        assert f.rgb.dtype.name == "uint8" and f.rgb.ndim == 3 and f.rgb.shape[2] == 3
        assert max(f.rgb.shape[:2]) <= 1280
        assert abs(f.rgb.shape[1] - w * scale) <= 1 and abs(f.rgb.shape[0] - h * scale) <= 1


def test_timestamps_of_1_and_120_fps_and_vfr(corpus):
    assert [f.t for f in iter_frames(corpus["fps_1"].path)] == [0.0, 1.0, 2.0, 3.0, 4.0]
    t120 = [f.t for f in iter_frames(corpus["fps_120"].path)]
    assert t120[-1] == pytest.approx(47 / 120, abs=2e-3)
    vfr = [f.t for f in iter_frames(corpus["variable_fps"].path)]
    gaps = [b - a for a, b in zip(vfr, vfr[1:])]
    assert min(gaps) > 0.01 and max(gaps) > 3 * min(gaps)


def test_damaged_packets_are_skipped_not_the_rest_of_the_video(corpus):
    """A bit flip in one frame used to end the decoding there: the rest of the video was lost."""
    frames = list(iter_frames(corpus["bitflip_data"].path))
    assert len(frames) >= 25  # of 30 written; a few damaged packets dropped at most
    assert [f.t for f in frames] == sorted(f.t for f in frames)


def test_audio_only_error_names_what_the_file_holds(corpus):
    with pytest.raises(VideoError, match=r"no video stream \(found: audio\)"):
        list(iter_frames(corpus["audio_only_mp4"].path))


def test_cli_process_end_to_end_exit_code_and_no_traceback(corpus):
    """The real `crossgrain` process over good and bad files at once: one error line per bad file, exit 2."""
    names = ["baseline", "zero_byte", "text_renamed", "audio_only_m4a", "truncated_moov_last", "zero_frames"]
    paths = [str(corpus[n].path) for n in names]
    proc = subprocess.run([sys.executable, "-m", "vision.cli", "analyze", *paths, "--foot-axis", "90",
                           "--workers", "1"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("crossgrain: error: ")]
    assert len(errors) == len(names) - 1, proc.stderr
    assert corpus["baseline"].path.name + ":" in proc.stdout


def test_cli_turns_an_unexpected_engine_failure_into_one_line(corpus, monkeypatch, capsys):
    """A bug of ours must not reach the user as a traceback either: one line, exit 2."""
    import vision.pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("something\nunexpected")

    monkeypatch.setattr(vision.pipeline, "analyze_video", broken)
    rc = cli.main(["analyze", str(corpus["baseline"].path), "--foot-axis", "90"])
    err = capsys.readouterr().err
    assert rc == cli.EXIT_USAGE
    assert err.count("\n") == 1 and err.startswith("crossgrain: error: ") and "Traceback" not in err
    assert "internal error" in err and "RuntimeError: something unexpected" in err
