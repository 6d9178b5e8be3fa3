"""The audience link: the address students type or scan to open the app on their own phones.

A browser on the presenter's laptop usually shows ``localhost``, which means nothing on a phone, so
the link swaps it for this computer's address on the local network. The QR code is drawn by segno,
a pure-Python library, as SVG: nothing is fetched from the network.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit, urlunsplit

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"}
# A private address no packet is sent to: connecting a UDP socket only asks the kernel which local
# address would be used, which works offline on any machine with a network interface.
ROUTE_PROBE = ("10.255.255.255", 1)


def find_local_address() -> str | None:
    """This computer's address on the local network, or None when it has none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(ROUTE_PROBE)
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def build_audience_url(browser_url: str, lang: str, local_address: str | None, page: str = "") -> str:
    """The app's home address as a phone in the same room can open it, in language ``lang``.

    Keeps the scheme, port and any path prefix the app is served under; drops the query and the
    current ``page`` (its URL path, such as "home"); replaces a loopback host with ``local_address``
    when there is one.
    """
    parts = urlsplit(browser_url.strip() or "http://localhost:8501/")
    host, port = parts.hostname or "localhost", parts.port
    if host in LOOPBACK_HOSTS and local_address:
        host = local_address
    netloc = f"{host}:{port}" if port else host
    path = parts.path.rstrip("/")
    if page and path.endswith("/" + page):
        path = path[: -len(page) - 1]
    return urlunsplit((parts.scheme or "http", netloc, path + "/", f"lang={lang}", ""))


def draw_qr_svg(url: str, scale: int = 6) -> str:
    """``url`` as a QR code in SVG markup, black on white with the quiet zone the standard asks for."""
    import segno

    # Error correction M survives a projector's glare and a phone's slant at a modest size.
    return segno.make(url, error="m").svg_inline(scale=scale, border=4, light="#fff")
