"""Hand tracking imports only what it uses (issue 18), and MediaPipe stays whole for other code."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_tracking_a_frame_imports_neither_matplotlib_nor_the_audio_tasks():
    """Nor OpenCV (about 25 MB and 35 ms): the look at toes loads it on its first look only."""
    out = run(
        "import sys, numpy as np\n"
        "from vision.io.tracking import HandTracker\n"
        "with HandTracker() as t: t.process(np.zeros((48, 64, 3), np.uint8), 0.0)\n"
        "print(sorted(m for m in ('matplotlib', 'sounddevice', 'mediapipe.tasks.python.audio',\n"
        "      'mediapipe.tasks.python.vision.drawing_utils', 'cv2') if m in sys.modules))\n")
    assert out.strip() == "[]"


def test_mediapipe_imported_afterwards_is_the_whole_package():
    out = run(
        "from vision.io.tracking import HandTracker\n"
        "HandTracker().close()\n"
        "import mediapipe as mp\n"
        "from mediapipe.tasks.python import BaseOptions, vision\n"
        "print(mp.Image.__name__, mp.ImageFormat.SRGB.name, mp.tasks.vision.HandLandmarker.__name__,\n"
        "      vision.drawing_utils.__name__.rsplit('.', 1)[1], BaseOptions.__name__, mp.__version__ > '')\n")
    assert out.split() == ["Image", "SRGB", "HandLandmarker", "drawing_utils", "BaseOptions", "True"]


def test_two_trackers_started_at_once_on_two_threads_in_a_fresh_process():
    out = run(
        "import threading, numpy as np\n"
        "from vision.io.tracking import HandTracker\n"
        "found = []\n"
        "def track():\n"
        "    with HandTracker() as t: found.append(t.process(np.zeros((48, 64, 3), np.uint8), 0.0))\n"
        "threads = [threading.Thread(target=track) for _ in range(2)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(found)\n")
    assert out.strip() == "[None, None]"
