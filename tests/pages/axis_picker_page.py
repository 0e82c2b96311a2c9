"""A page with the app's own axis_picker (pages_/axis_picker.py) on a marked foot photo, for the
two-click browser test: the test drives exactly the code the upload and live pages run.
"""

import sys
from pathlib import Path

import cv2
import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pages_.axis_picker import axis_picker  # noqa: E402
from vision.core.axis import AxisSource, FootAxis  # noqa: E402

photo = ROOT / "tests" / "data" / "feet" / "OllieBoyne+FOUND__docs+images+itw+rgb+2.jpg"
rgb = cv2.cvtColor(cv2.imread(str(photo)), cv2.COLOR_BGR2RGB)
found = FootAxis(80.0, AxisSource.FOUND, 0.7)
axis = axis_picker(rgb, found)
st.write("RESULT: none" if axis is None else f"RESULT: {axis.deg:.1f} deg {axis.source} "
         f"heel {axis.heel_xy[0]:.0f},{axis.heel_xy[1]:.0f}" if axis.heel_xy else f"RESULT: {axis.deg:.1f} deg {axis.source}")
