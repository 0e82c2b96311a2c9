"""The phone as the camera: addresses, the self-signed certificate, the QR code (vision/io/lan.py)."""

from __future__ import annotations

import datetime as dt
import re
import ssl
import stat
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from vision.io import lan

HOME = ["192.168.1.23", "10.0.0.5"]


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --------------------------------------------------------------------------- addresses

def test_addresses_keep_reachable_ipv4_private_first():
    found = ["127.0.0.1", "169.254.3.4", "8.8.4.4", "192.168.1.23", "::1", "fe80::1", "0.0.0.0", "224.0.0.1",
             "192.168.1.23", "10.0.0.5", "not an address"]
    assert lan.order_addresses(found) == ["10.0.0.5", "192.168.1.23", "8.8.4.4"]


def test_this_machines_addresses_are_its_own_non_loopback_ipv4():
    import ifaddr

    own = {ip.ip for a in ifaddr.get_adapters() for ip in a.ips if isinstance(ip.ip, str)}
    found = lan.lan_addresses()
    assert set(found) <= own and "127.0.0.1" not in found
    assert all(lan.usable_lan_address(a) for a in found)


def test_https_url():
    assert lan.https_url("192.168.1.23", 8501) == "https://192.168.1.23:8501"
    assert lan.https_url("fd00::5", 8443) == "https://[fd00::5]:8443"


# --------------------------------------------------------------------------- certificate

def test_certificate_made_owner_only_with_the_addresses(tmp_path):
    folder = tmp_path / "data" / "tls"
    files = lan.ensure_certificate(HOME, folder)
    assert files.created
    assert _mode(folder) == 0o700 and _mode(files.cert) == 0o600 and _mode(files.key) == 0o600
    assert not [p.name for p in folder.iterdir() if p.name not in (lan.CERT_NAME, lan.KEY_NAME)]
    cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    names, ips = lan.certificate_names(files.cert.read_bytes())
    assert names == {"localhost"}
    assert ips == {"192.168.1.23", "10.0.0.5", "127.0.0.1", "::1"}
    now = dt.datetime.now(dt.timezone.utc)
    assert cert.not_valid_before_utc <= now < cert.not_valid_after_utc
    assert (cert.not_valid_after_utc - now).days <= 825  # Apple refuses longer-lived server certificates
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.SERVER_AUTH in eku
    assert cert.issuer == cert.subject  # self-signed
    cert.verify_directly_issued_by(cert)


def test_certificate_is_reused_and_renewed_only_when_needed(tmp_path):
    first = lan.ensure_certificate(HOME, tmp_path)
    pem = first.cert.read_bytes()
    again = lan.ensure_certificate(list(reversed(HOME)), tmp_path)
    assert not again.created and again.cert.read_bytes() == pem  # the phone's earlier "proceed" still holds
    assert not lan.ensure_certificate(["10.0.0.5"], tmp_path).created  # a subset: still covered
    first.key.chmod(0o644)
    assert not lan.ensure_certificate(HOME, tmp_path).created and _mode(first.key) == 0o600  # narrowed again

    moved = lan.ensure_certificate(["192.168.1.99"], tmp_path)  # the router gave a new address
    assert moved.created and "192.168.1.99" in lan.certificate_names(moved.cert.read_bytes())[1]
    pem = moved.cert.read_bytes()
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=lan.VALID_DAYS - 3)
    assert lan.ensure_certificate(["192.168.1.99"], tmp_path, now=later).created  # about to expire
    assert moved.cert.read_bytes() != pem

    moved.cert.write_text("damaged")
    assert lan.ensure_certificate(["192.168.1.99"], tmp_path).created
    (tmp_path / lan.KEY_NAME).write_bytes(lan.make_certificate(["192.168.1.99"])[1])  # a key of another cert
    assert lan.ensure_certificate(["192.168.1.99"], tmp_path).created


def test_certificate_goes_to_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(tmp_path / "mine"))
    files = lan.ensure_certificate(HOME)
    assert files.cert.parent == tmp_path / "mine" / "tls"


def test_bad_address_and_unwritable_folder_are_one_line(tmp_path):
    with pytest.raises(lan.LanError, match="not an IP address"):
        lan.ensure_certificate(["my-laptop"], tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(lan.LanError, match="cannot make the certificate folder"):
        lan.ensure_certificate(HOME, blocker / "tls")


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, *args):
        pass


def test_a_tls_client_trusting_the_certificate_connects_by_ip_and_name(tmp_path):
    files = lan.ensure_certificate(HOME, tmp_path)
    server = HTTPServer(("127.0.0.1", 0), _Hello)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(files.cert, files.key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = ssl.create_default_context(cafile=str(files.cert))
        for host in ("127.0.0.1", "localhost"):
            with urllib.request.urlopen(f"https://{host}:{server.server_port}/", context=client, timeout=10) as r:
                assert r.read() == b"hello"
        with pytest.raises(urllib.error.URLError) as refused:  # a client that does not trust it refuses it
            urllib.request.urlopen(f"https://127.0.0.1:{server.server_port}/", context=ssl.create_default_context(),
                                   timeout=10)
        assert isinstance(refused.value.reason, ssl.SSLCertVerificationError), refused.value
    finally:
        server.shutdown()
        server.server_close()


def test_fingerprint_is_the_certificates():
    pem, _ = lan.make_certificate(HOME)
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "c.pem"
        p.write_bytes(pem)
        fp = lan.certificate_fingerprint(p)
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", fp)
    from cryptography.hazmat.primitives import hashes

    assert fp.replace(":", "").lower() == x509.load_pem_x509_certificate(pem).fingerprint(hashes.SHA256()).hex()


# --------------------------------------------------------------------------- QR code

def svg_modules(svg: str) -> np.ndarray:
    """The dark modules an SVG from segno draws (horizontal strokes 'M x y h n m dx dy ...'), quiet zone included."""
    size = int(re.search(r'width="(\d+)"', svg).group(1)) // int(re.search(r"scale\((\d+)\)", svg).group(1))
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    grid = np.zeros((size, size), bool)
    x = y = 0.0
    for cmd, args in re.findall(r"([MmHh])([^MmHh]*)", path):
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if cmd == "M":
            x, y = nums
        elif cmd == "m":
            x, y = x + nums[0], y + nums[1]
        elif cmd == "h":
            grid[int(y - 0.5), int(x):int(x + nums[0])] = True
            x += nums[0]
        else:
            raise AssertionError(f"unexpected path command {cmd}")
    return grid


def _decode(modules: np.ndarray, scale: int = 8) -> str:
    import cv2

    img = np.where(modules, 0, 255).astype(np.uint8)
    img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(img)
    return text


@pytest.mark.parametrize("url", ["https://192.168.1.23:8501", "https://10.0.0.5:65535"])
def test_qr_svg_draws_the_code_and_it_decodes_to_the_address(url):
    svg = lan.qr_svg(url)
    assert svg.startswith("<svg") and "<?xml" not in svg and "<script" not in svg
    assert f"<title>{url}</title>" in svg
    drawn = svg_modules(svg)
    matrix = np.array(lan.qr_matrix(url))
    n = matrix.shape[0]
    assert n >= 21 and (n - 17) % 4 == 0  # a QR version's size
    assert drawn.shape == (n + 8, n + 8) and not drawn[:4].any() and not drawn[:, :4].any()  # 4-module quiet zone
    assert (drawn[4:-4, 4:-4] == matrix).all()
    finder = np.ones((7, 7), bool)
    finder[1:6, 1:6] = False
    finder[2:5, 2:5] = True
    for corner in (matrix[:7, :7], matrix[:7, -7:], matrix[-7:, :7]):
        assert (corner == finder).all()
    assert _decode(drawn) == url


def test_qr_decoder_is_not_fooled():
    """The check above can fail: a damaged code does not decode to the address."""
    url = "https://192.168.1.23:8501"
    broken = np.array(lan.qr_matrix(url))
    broken = np.pad(broken, 4)
    broken[4:11, 4:11] = False  # a finder pattern wiped out
    assert _decode(broken) != url
    assert _decode(np.pad(np.array(lan.qr_matrix("https://10.0.0.5:8501")), 4)) != url


def test_phone_steps_name_the_address():
    steps = lan.phone_steps("https://192.168.1.23:8501")
    assert len(steps) == 2 and "https://192.168.1.23:8501" in steps[0]
    assert "Advanced" in lan.CERTIFICATE_WARNING and "Show Details" in lan.CERTIFICATE_WARNING
