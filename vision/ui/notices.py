"""Fixed texts the page shows whatever the data: safety notes and camera help.

Kept apart from the widgets so tests can check that the page carries them.
"""

from __future__ import annotations

from ..coach.techniques import registry

# From the techniques registry (vision/coach/techniques.toml): the warnings, what the camera cannot see,
# and that the tool coaches form and does not diagnose.
def safety_notes() -> tuple[str, ...]:
    """The guide's warnings, what the camera cannot see, and the disclaimer, in that order."""
    safety = registry().safety
    return (*safety.warnings, safety.camera_limits, safety.disclaimer)

CAMERA_HELP = (
    "If the camera does not start: allow camera access when the browser asks (or in the address bar's "
    "camera icon), close other programs that use the camera, and open the page on this computer (localhost) "
    "or over HTTPS (browsers refuse cameras on other plain-http addresses). No camera? Use **Analyse a video** "
    "with a bundled sample."
)

NO_CAMERA = ("No camera was found on this computer. Plug one in (or close the program using it) and "
             "reload the page, or use Analyse a video with a bundled sample.")
CAMERA_REFUSED = ("The browser was not allowed to use the camera. Allow it with the camera icon in the "
                  "address bar, then press START again.")
CAMERA_BUSY = ("The camera could not be opened: another program may be using it. Close that program, "
               "then press START again.")


def camera_check_html() -> str:
    """A small script for the live page: says plainly when there is no camera or it is refused.

    streamlit-webrtc shows the browser's own error ("NotFoundError: Requested device not found")
    inside its frame and tells the server nothing; this looks for a camera when the page opens
    (navigator.mediaDevices.enumerateDevices needs no permission) and watches the component's
    frame for the browser's error names, then writes one of the messages above where it is read
    (role="alert").
    """
    import json

    messages = json.dumps({"NotFoundError": NO_CAMERA, "OverconstrainedError": NO_CAMERA,
                           "NotAllowedError": CAMERA_REFUSED, "NotReadableError": CAMERA_BUSY})
    return f"""<div id="crossgrain-camera-check" role="alert" style="color:#000;font-weight:600"></div>
<script>
(function () {{
  const messages = {messages};
  const box = document.getElementById("crossgrain-camera-check");
  if (!box) return;
  const say = (text) => {{ if (box.textContent !== text) box.textContent = text; }};
  if (navigator.mediaDevices && navigator.mediaDevices.enumerateDevices) {{
    navigator.mediaDevices.enumerateDevices().then((devices) => {{
      if (!devices.some((d) => d.kind === "videoinput")) say(messages.NotFoundError);
    }}).catch(() => {{}});
  }}
  const timer = setInterval(() => {{
    if (!document.body.contains(box)) {{ clearInterval(timer); return; }}
    for (const frame of document.querySelectorAll("iframe[title*='streamlit_webrtc']")) {{
      let text = "";
      try {{ text = frame.contentDocument ? frame.contentDocument.body.textContent : ""; }} catch (e) {{}}
      for (const name of Object.keys(messages)) {{
        if (text.includes(name)) {{ say(messages[name]); return; }}
      }}
    }}
  }}, 500);
}})();
</script>"""
