"""The live stream's playout in the browser: the overlay and its sound as soon as they arrive.

Chrome buffers a received WebRTC stream before playing it. On loopback, with
13-17 ms of jitter, it held the audio 170-190 ms and the video about 124 ms,
and it holds the audio back to play in step with the video: the sound of a
verdict came 0.31-0.38 s after it (issue 16 asks for under 0.3 s). What the
hands do now should be seen and heard now, so this script, placed on the live
page beside the component, asks for the least buffering on every track the
component receives: the standard ``RTCRtpReceiver.jitterBufferTarget = 0``
and Chrome's ``playoutDelayHint = 0``, each where the browser has it. The
component's frame is on the page's own origin, so its RTCPeerConnection is
reached before START; nothing else about the connection changes. The frame
counts the receivers it set in ``window.crossgrainPlayoutSet`` (for tests).
"""

from __future__ import annotations

PLAYOUT_SCRIPT = """<span id="crossgrain-playout" hidden></span><script>
(function () {
  const mark = document.getElementById("crossgrain-playout");
  const lowest = (win, receiver) => {
    try {
      if ("jitterBufferTarget" in receiver) receiver.jitterBufferTarget = 0;
      if ("playoutDelayHint" in receiver) receiver.playoutDelayHint = 0;
      win.crossgrainPlayoutSet = (win.crossgrainPlayoutSet || 0) + 1;
    } catch (e) {}
  };
  const patch = (win) => {
    const PC = win && win.RTCPeerConnection;
    if (!PC || PC.prototype.crossgrainPlayout) return;
    PC.prototype.crossgrainPlayout = true;
    const setRemote = PC.prototype.setRemoteDescription;
    PC.prototype.setRemoteDescription = function (...args) {
      return setRemote.apply(this, args).then((done) => {
        this.getReceivers().forEach((r) => lowest(win, r));
        return done;
      });
    };
  };
  const timer = setInterval(() => {
    if (!mark || !document.body.contains(mark)) { clearInterval(timer); return; }  // the page moved on
    const frames = document.querySelectorAll("iframe[title*='streamlit_webrtc']");
    for (const frame of frames) { try { patch(frame.contentWindow); } catch (e) {} }
  }, 250);
})();
</script>"""


def low_latency_playout_html() -> str:
    """The script for st.html(..., unsafe_allow_javascript=True) on the live page."""
    return PLAYOUT_SCRIPT
