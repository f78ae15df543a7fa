"""Refuse addresses that are not on the public internet unless the user allows them.

A watch list comes from a spreadsheet somebody typed; a link on a page can point anywhere. Without
this check a crafted SITES.csv or page would make nianbao read the intranet or the machine it runs
on (cloud metadata at 169.254.169.254, admin consoles on 127.0.0.1). Every hop of a redirect is
checked, by the addresses the name resolves to, not by how the URL is spelled.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from .errors import FetchError


def is_public(ip: str) -> bool:
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast


async def check_address(url: str, allow_private: bool) -> None:
    """Raise FetchError unless the URL is http(s) and, when private addresses are not allowed,
    every address its host resolves to is public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError("scheme", f"只支持 http 和 https 地址：{url}", url)
    host = parts.hostname
    if not host:
        raise FetchError("url", f"地址不完整：{url}", url)
    if allow_private:
        return
    try:
        ipaddress.ip_address(host)
        ips = [host]
    except ValueError:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise FetchError("dns", f"无法解析域名 {host}：{exc.strerror or exc}", url) from None
        ips = sorted({str(info[4][0]) for info in infos})
    private = [ip for ip in ips if not is_public(ip)]
    if private:
        raise FetchError(
            "private",
            f"拒绝访问内网或本机地址 {host}（{'、'.join(private)}）；确需访问内网站点时请加 --allow-private",
            url,
        )
