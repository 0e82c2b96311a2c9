"""A page with app.py's own axis_picker on a marked foot photo, for the two-click browser test.

The function is lifted out of app.py unchanged (app.py's module level builds the whole app
and needs a webcam page), so the test drives exactly the code the app runs.
"""

import ast
import sys
from pathlib import Path

import cv2
import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from vision.core.axis import AxisSource, FootAxis  # noqa: E402

tree = ast.parse((ROOT / "app.py").read_text())
picker = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "axis_picker")
namespace = {"st": st}
exec(compile(ast.Module(body=[picker], type_ignores=[]), str(ROOT / "app.py"), "exec"), namespace)

photo = ROOT / "tests" / "data" / "feet" / "OllieBoyne+FOUND__docs+images+itw+rgb+2.jpg"
rgb = cv2.cvtColor(cv2.imread(str(photo)), cv2.COLOR_BGR2RGB)
found = FootAxis(80.0, AxisSource.FOUND, 0.7)
axis = namespace["axis_picker"](rgb, found)
st.write("RESULT: none" if axis is None else f"RESULT: {axis.deg:.1f} deg {axis.source} "
         f"heel {axis.heel_xy[0]:.0f},{axis.heel_xy[1]:.0f}" if axis.heel_xy else f"RESULT: {axis.deg:.1f} deg {axis.source}")
