"""The page's phone parts: the served address, the QR card, the phone settings button (vision/ui/phone.py,
pages_/phone.py); the page through Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest

from vision.coach.techniques import registry
from vision.ui import phone

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


@pytest.mark.parametrize("value, expected", [
    ("https://192.168.1.23:8501", "https://192.168.1.23:8501"),
    (" https://10.0.0.5:8443 ", "https://10.0.0.5:8443"),
    ("https://[fd00::5]:8501", "https://[fd00::5]:8501"),
    ("", None),
    ("http://192.168.1.23:8501", None),  # a phone gets no camera on plain http
    ("https://evil.example:8501", None),
    ("https://192.168.1.23:8501/[x](http://y)", None),
    ('https://1.2.3.4:1"><script>', None),
])
def test_served_url_only_an_https_ip_address(value, expected):
    assert phone.served_url({"CROSSGRAIN_LAN_URL": value}) == expected


def test_card_has_the_code_the_steps_and_the_warning():
    card = phone.phone_card("https://192.168.1.23:8501")
    assert card.qr_html.startswith('<div role="img" aria-label="QR code of https://192.168.1.23:8501"')
    assert "<svg" in card.qr_html and "<title>QR code of https://192.168.1.23:8501</title>" in card.qr_html
    assert len(card.steps) == 2 and "https://192.168.1.23:8501" in card.steps[0]
    assert "not private" in card.certificate and "Proceed" in card.certificate
    assert "home network" in card.privacy


def test_settings_label_names_both():
    assert phone.settings_label("Cross-friction", 89.6) == "Technique and foot axis: Cross-friction, 90°"


def test_css_hides_the_phone_button_on_wide_screens_only():
    wide, narrow = phone.PHONE_CSS.split("@media (max-width")
    assert f".st-key-{phone.PHONE_SETTINGS_KEY}" in wide and f".st-key-{phone.NARROW_ONLY_KEY}" in wide
    assert f".st-key-{phone.WIDE_ONLY_KEY}" in narrow and f".st-key-{phone.PHONE_SETTINGS_KEY}" not in narrow
    assert f"min-width: {phone.NARROW_PX + 1}px" in wide and f"{phone.NARROW_PX}px" in narrow


@pytest.fixture
def app():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=120)


def test_phone_settings_and_sidebar_are_one_choice(app):
    app.run()
    assert not app.exception
    phone_tech = app.selectbox(key="phone_technique")
    phone_axis = app.slider(key="phone_foot_axis")
    assert phone_tech.value == app.sidebar.selectbox(key="technique").value == registry().default
    assert phone_axis.value == app.sidebar.slider(key="foot_axis").value == 90
    phone_tech.set_value("myofascial_hold").run()  # chosen on the phone: the sidebar follows
    assert app.sidebar.selectbox(key="technique").value == "myofascial_hold"
    app.slider(key="phone_foot_axis").set_value(30).run()
    assert app.sidebar.slider(key="foot_axis").value == 30
    assert app.selectbox(key="phone_technique").value == "myofascial_hold"  # kept while the axis moved
    app.sidebar.selectbox(key="technique").set_value("cross_friction").run()  # and the other way round
    app.sidebar.slider(key="foot_axis").set_value(120).run()
    assert app.selectbox(key="phone_technique").value == "cross_friction"
    assert app.slider(key="phone_foot_axis").value == 120
    assert not app.exception


def test_sidebar_shows_the_qr_code_only_when_served_on_the_lan(app, monkeypatch):
    app.run()
    assert "make run-lan" in " ".join(c.value for c in app.sidebar.caption)
    assert not any("QR code of" in m.value for m in app.sidebar.markdown)
    monkeypatch.setenv("CROSSGRAIN_LAN_URL", "https://192.168.1.23:8501")
    app.run()
    assert not app.exception
    assert any('aria-label="QR code of https://192.168.1.23:8501"' in m.value for m in app.sidebar.markdown)
    assert any("Show Details" in m.value for m in app.sidebar.markdown)
