"""Serving the app to a phone on the home network: addresses, a self-signed certificate, a QR code.

Browsers give a page the camera only on https (or on localhost), so a phone that
opens the laptop's address needs https. No public authority can sign a
certificate for a home address, so CrossGrain makes its own on first use:

- a P-256 key and a self-signed certificate for the LAN addresses, 127.0.0.1,
  ::1 and ``localhost`` (subjectAltName; serverAuth), valid 825 days (the most
  Apple's devices accept);
- kept in the user's data folder (``CROSSGRAIN_DATA_DIR``, else platformdirs'),
  in ``tls/`` (mode 0700), both files mode 0600, and reused afterwards, so a
  phone that accepted the certificate once is not asked again. A new one is
  made only when it is missing, damaged, expiring within a week, or no longer
  covers an address the machine now has (a new address from the router).

No network access: addresses come from the interfaces' own list (ifaddr, the
library aiortc uses for the same purpose), never from a look-up.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

CERT_NAME = "crossgrain-cert.pem"
KEY_NAME = "crossgrain-key.pem"
TLS_FOLDER = "tls"
VALID_DAYS = 825  # Apple's limit for TLS server certificates
RENEW_BEFORE_DAYS = 7
ALWAYS_NAMES = ("localhost",)
ALWAYS_ADDRESSES = ("127.0.0.1", "::1")


class LanError(Exception):
    """Serving on the home network cannot be set up (one line for the user)."""


# --------------------------------------------------------------------------- addresses

def usable_lan_address(text: str) -> bool:
    """An IPv4 address another device on the network could reach: not loopback, link-local, multicast or 0.0.0.0."""
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return False
    return (ip.version == 4 and not ip.is_loopback and not ip.is_link_local and not ip.is_multicast
            and not ip.is_unspecified and not ip.is_reserved)


def order_addresses(addresses) -> list[str]:
    """Usable addresses, each once: private ones (192.168.x, 10.x, 172.16-31.x: home networks) first."""
    seen: list[str] = []
    for a in addresses:
        if usable_lan_address(a) and a not in seen:
            seen.append(a)
    return sorted(seen, key=lambda a: (not ipaddress.ip_address(a).is_private, ipaddress.ip_address(a)))


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses on its networks (phones on Wi-Fi use IPv4 home addresses), best first."""
    import ifaddr

    found = [ip.ip for adapter in ifaddr.get_adapters() for ip in adapter.ips if isinstance(ip.ip, str)]
    return order_addresses(found)


def https_url(address: str, port: int) -> str:
    host = f"[{address}]" if ":" in address else address
    return f"https://{host}:{port}"


# --------------------------------------------------------------------------- certificate

@dataclass(frozen=True)
class CertFiles:
    cert: Path
    key: Path
    created: bool  # made now (False: an earlier one reused)


def tls_dir(data_dir: Path | None = None) -> Path:
    if data_dir is None:
        from ..history.store import data_dir as user_data_dir

        data_dir = user_data_dir()
    return Path(data_dir) / TLS_FOLDER


def certificate_names(cert_pem: bytes) -> tuple[set[str], set[str]]:
    """(DNS names, IP addresses) in a certificate's subjectAltName."""
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(cert_pem)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return set(san.get_values_for_type(x509.DNSName)), {str(a) for a in san.get_values_for_type(x509.IPAddress)}


def _reusable(cert_path: Path, key_path: Path, addresses: list[str], now: dt.datetime) -> bool:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        pem = cert_path.read_bytes()
        cert = x509.load_pem_x509_certificate(pem)
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        names, ips = certificate_names(pem)
    except (OSError, ValueError, x509.ExtensionNotFound):
        return False
    if cert.public_key().public_numbers() != key.public_key().public_numbers():
        return False
    if cert.not_valid_after_utc - now < dt.timedelta(days=RENEW_BEFORE_DAYS) or cert.not_valid_before_utc > now:
        return False
    return set(ALWAYS_NAMES) <= names and {*ALWAYS_ADDRESSES, *addresses} <= ips


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` readable by the owner only (0600 from the start, never briefly wider), atomically."""
    tmp = path.with_name(f".{path.name}.partial-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask can only narrow the mode; make it exact
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def make_certificate(addresses: list[str], now: dt.datetime | None = None) -> tuple[bytes, bytes]:
    """(certificate PEM, key PEM): self-signed, for ``addresses`` plus localhost, 127.0.0.1 and ::1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = now or dt.datetime.now(dt.timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CrossGrain on this computer"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CrossGrain (self-signed)")])
    ips = [ipaddress.ip_address(a) for a in dict.fromkeys([*addresses, *ALWAYS_ADDRESSES])]
    san = x509.SubjectAlternativeName([*(x509.DNSName(n) for n in ALWAYS_NAMES), *(x509.IPAddress(ip) for ip in ips)])
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
            .add_extension(san, critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def ensure_certificate(addresses: list[str], folder: Path | None = None,
                       now: dt.datetime | None = None) -> CertFiles:
    """The certificate and key in ``folder`` (default: the data folder's tls/), made now unless reusable."""
    folder = Path(folder) if folder is not None else tls_dir()
    now = now or dt.datetime.now(dt.timezone.utc)
    for a in addresses:
        try:
            ipaddress.ip_address(a)
        except ValueError:
            raise LanError(f"{a!r} is not an IP address") from None
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
    except OSError as exc:
        raise LanError(f"cannot make the certificate folder {folder} ({exc.strerror})") from None
    cert_path, key_path = folder / CERT_NAME, folder / KEY_NAME
    if _reusable(cert_path, key_path, addresses, now):
        for p in (cert_path, key_path):  # reused: still owner-only, whatever happened to it since
            if p.stat().st_mode & 0o777 != 0o600:
                os.chmod(p, 0o600)
        return CertFiles(cert_path, key_path, created=False)
    cert_pem, key_pem = make_certificate(addresses, now)
    try:
        _write_private(key_path, key_pem)
        _write_private(cert_path, cert_pem)
    except OSError as exc:
        raise LanError(f"cannot write the certificate in {folder} ({exc.strerror})") from None
    return CertFiles(cert_path, key_path, created=True)


def certificate_fingerprint(cert_path: Path) -> str:
    """SHA-256 fingerprint as browsers show it (AA:BB:...), to compare on the phone if one wishes."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    cert = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


# --------------------------------------------------------------------------- QR code

def qr_code(text: str):
    """A segno QR code of ``text`` (error correction M: readable off a laptop screen at an angle)."""
    import segno

    return segno.make_qr(text, error="m", boost_error=False)


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code's modules, True for dark, without the quiet zone."""
    return [[bool(m) for m in row] for row in qr_code(text).matrix]


def qr_svg(text: str, scale: int = 6, title: str | None = None) -> str:
    """The QR code as an inline <svg> (no XML declaration), black on white with the 4-module quiet zone."""
    import io

    buf = io.BytesIO()
    qr_code(text).save(buf, kind="svg", scale=scale, border=4, dark="#000", light="#fff", xmldecl=False,
                       svgns=True, title=title or text, nl=False)
    return buf.getvalue().decode("utf-8")


# --------------------------------------------------------------------------- what the page and the terminal say

SERVE_URL_ENV = "CROSSGRAIN_LAN_URL"  # set by `crossgrain serve --lan`: the address to show as a QR code


def phone_steps(url: str) -> list[str]:
    """The two steps, in people's words."""
    return [f"Join the phone to the same Wi-Fi as this computer, then scan this code with the phone's camera "
            f"(or type {url} in its browser).",
            "Stand the phone so it sees your foot, open **Live practice** and press **START**; "
            "allow the camera when the phone asks."]


CERTIFICATE_WARNING = (
    "The first time, the phone's browser warns that the connection is not private or the certificate is "
    "not trusted. That is expected: CrossGrain made its own certificate on this computer, because no "
    "public authority can vouch for an address inside a home. "
    "On Chrome (Android), tap **Advanced**, then **Proceed to ... (unsafe)**. "
    "On Safari (iPhone), tap **Show Details**, then **visit this website**, and confirm. "
    "The phone remembers the choice; you are asked again only if this computer gets a new address.")

STAYS_HOME = ("The video goes straight from the phone to this computer over your home network. "
              "Nothing is sent to the internet: no relay server, no telemetry.")
