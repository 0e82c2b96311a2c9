"""The bundled hand model: present, intact, reproducible; clear errors otherwise."""

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from vision.io.model import BUNDLED_MODEL_SHA256, DEFAULT_MODEL_PATH, ModelError, hand_model_path
from vision.io.tracking import HandTracker

ROOT = Path(__file__).resolve().parents[1]


def test_bundled_model_is_intact():
    assert hand_model_path() == DEFAULT_MODEL_PATH
    assert hashlib.sha256(DEFAULT_MODEL_PATH.read_bytes()).hexdigest() == BUNDLED_MODEL_SHA256
    with zipfile.ZipFile(DEFAULT_MODEL_PATH) as z:
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())


def test_readme_states_the_same_sha256():
    assert BUNDLED_MODEL_SHA256 in (ROOT / "models" / "README.md").read_text()


def test_missing_model_says_how_to_rebuild(tmp_path):
    with pytest.raises(ModelError, match="not found.*build_hand_model"):
        hand_model_path(tmp_path / "gone.task")
    with pytest.raises(ModelError, match="not found"):
        HandTracker(model_path=tmp_path / "gone.task")


def test_damaged_model_is_named(tmp_path):
    bad = tmp_path / "bad.task"
    bad.write_bytes(b"\x00" * 1000)
    with pytest.raises(ModelError, match="not a model bundle"):
        hand_model_path(bad)
    partial = tmp_path / "partial.task"
    with zipfile.ZipFile(partial, "w") as z:
        z.writestr("hand_detector.tflite", b"x")
    with pytest.raises(ModelError, match="lacks hand_landmarks_detector"):
        hand_model_path(partial)


def test_environment_variable_chooses_the_model(tmp_path, monkeypatch):
    monkeypatch.setenv("CROSSGRAIN_HAND_MODEL", str(tmp_path / "elsewhere.task"))
    with pytest.raises(ModelError, match="elsewhere.task"):
        hand_model_path()


def test_rebuild_from_the_wheel_is_byte_for_byte(tmp_path):
    """Needs the mediapipe 0.10.21 wheel: taken from pip's cache or PyPI; skipped offline."""
    wheel_dir = tmp_path / "wheel"
    fetched = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--python-version", "3.11",
         "--platform", "manylinux_2_28_x86_64", "mediapipe==0.10.21", "-d", str(wheel_dir)],
        capture_output=True, text=True, timeout=240)
    if fetched.returncode != 0:
        pytest.skip("the mediapipe 0.10.21 wheel cannot be fetched here")
    wheel = next(wheel_dir.glob("*.whl"))
    out = tmp_path / "rebuilt.task"
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_hand_model.py"), "--wheel", str(wheel),
                    "--out", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == DEFAULT_MODEL_PATH.read_bytes()
