"""Rebuild models/hand_landmarker.task, byte for byte, from the mediapipe 0.10.21 wheel.

mediapipe 1.x ships no hand model. The 0.10.21 wheel on PyPI carries the two
float TFLite models that make up Google's ``hand_landmarker.task``; stored
(uncompressed) in a zip under the names the HandLandmarker expects, they form
a bundle it loads. Fixed zip timestamps and order make the output reproducible,
so its sha256 (in models/README.md) can be checked by anyone.

Usage: python tools/build_hand_model.py [--wheel PATH] [--out PATH]
Without --wheel the wheel is fetched from PyPI with ``pip download`` (build
time only: nothing fetches a model at run time).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL_SPEC = "mediapipe==0.10.21"
# bundle member name -> path inside the wheel
MEMBERS = {
    "hand_detector.tflite": "mediapipe/modules/palm_detection/palm_detection_full.tflite",
    "hand_landmarks_detector.tflite": "mediapipe/modules/hand_landmark/hand_landmark_full.tflite",
}
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "models" / "hand_landmarker.task"


def download_wheel(dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
         "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64",
         WHEEL_SPEC, "-d", str(dest)],
        check=True,
    )
    return next(dest.glob("mediapipe-0.10.21-*.whl"))


def build_bundle(wheel: Path, out: Path) -> str:
    """Write the bundle to ``out`` and return its sha256."""
    with zipfile.ZipFile(wheel) as src:
        payloads = {name: src.read(inner) for name, inner in MEMBERS.items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as dst:
        for name in sorted(payloads):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            dst.writestr(info, payloads[name])
    tmp.replace(out)
    return hashlib.sha256(out.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="a local mediapipe-0.10.21 wheel")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        digest = build_bundle(wheel, args.out)
    print(f"{args.out}  sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
