"""The page on a phone, and the laptop's invitation to use one: no Streamlit here.

- ``served_url``: the https address `crossgrain serve --lan` serves (CROSSGRAIN_LAN_URL), checked, or None;
- ``phone_card``: the QR code and the words the laptop's page shows beside it;
- ``PHONE_CSS``: the live page's layout on narrow screens (a phone held upright, 390x844): the
  picture, the coloured verdict box with its cue and the hold figure on the first screen; the
  technique and foot axis behind one labelled button (the sidebar is collapsed on phones);
- ``settings_label``: that button's words.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass

from ..io.lan import CERTIFICATE_WARNING, SERVE_URL_ENV, STAYS_HOME, phone_steps, qr_svg

NARROW_PX = 640  # Streamlit stacks columns at this width and below: a phone held upright
_URL = re.compile(r"https://(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):\d{1,5}")

# Streamlit marks a container made with key=K with the class st-key-K.
PHONE_SETTINGS_KEY = "phone-settings"
WIDE_ONLY_KEY = "wide-only-camera-help"
NARROW_ONLY_KEY = "narrow-only-camera-help"

PHONE_CSS = f"""<style>
@media (min-width: {NARROW_PX + 1}px) {{
  .st-key-{PHONE_SETTINGS_KEY}, .st-key-{NARROW_ONLY_KEY} {{ display: none; }}
}}
@media (max-width: {NARROW_PX}px) {{
  .st-key-{WIDE_ONLY_KEY} {{ display: none; }}
  [data-testid="stMainBlockContainer"] {{ padding-top: 3.5rem; padding-left: 0.75rem; padding-right: 0.75rem;
                                         padding-bottom: 2rem; }}
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {{ gap: 0.5rem; }}
  [data-testid="stMetric"] [data-testid="stMetricValue"] {{ font-size: 1.5rem; }}
}}
</style>"""


def served_url(env=None) -> str | None:
    """The address to scan, if the app was started by `crossgrain serve --lan` (an https IP address only)."""
    url = (os.environ if env is None else env).get(SERVE_URL_ENV, "").strip()
    return url if _URL.fullmatch(url) else None


def settings_label(technique_title: str, foot_axis_deg: float) -> str:
    return f"Technique and foot axis: {technique_title}, {foot_axis_deg:.0f}°"


@dataclass(frozen=True)
class PhoneCard:
    url: str
    qr_html: str  # an inline <svg> in a sized box, named for screen readers
    steps: list[str]
    certificate: str
    privacy: str


def phone_card(url: str) -> PhoneCard:
    svg = qr_svg(url, scale=5, title=f"QR code of {url}")
    box = (f'<div role="img" aria-label="QR code of {html.escape(url)}" '
           f'style="background:#fff;padding:4px;display:inline-block;max-width:100%">{svg}</div>')
    return PhoneCard(url, box, phone_steps(url), CERTIFICATE_WARNING, STAYS_HOME)
