"""Where an HTTP Task may connect: public addresses, and the private ones the operator allows.

An HTTP Task's URL is the workflow's, and its connection's secret travels with the request: left
open, any workflow could reach the server's own API, the cloud metadata endpoint
(``169.254.169.254``) or the private network behind it. So the addresses a host name resolves to
are checked when the connection is made (a second lookup cannot swap in another address), and
loopback, private, link-local, multicast and reserved addresses are refused unless
``SFN_HTTP_ALLOW`` names them: host names, IP addresses or CIDR networks, comma-separated.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class DestinationRefusedError(OSError):
    """A connection to an address the policy does not allow."""


@dataclass(frozen=True)
class Destinations:
    """The allow-list: host names (exact, case-insensitive) and networks."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, allow: str | None) -> Destinations:
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in (allow or "").split(","):
            entry = entry.strip()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def refusal(self, host: str, addresses: Iterable[str]) -> str | None:
        """Why ``host`` (resolved to ``addresses``) may not be reached, or None when it may."""
        if host.lower().rstrip(".") in self.hosts:
            return None
        for text in addresses:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            if _is_public(address) or any(address in network for network in self.networks):
                continue
            return (
                f"The HTTP Task's destination {host} ({address}) is a private, loopback or link-local address; "
                "the server's SFN_HTTP_ALLOW must name it for a workflow to reach it."
            )
        return None


def _is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _is_public(address.ipv4_mapped)
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (an address resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to addresses the policy allows, to the very address it checked."""

    def __init__(self, destinations: Destinations) -> None:
        self._destinations = destinations

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve(host, port)
        refusal = self._destinations.refusal(host, addresses)
        if refusal is not None:
            raise DestinationRefusedError(refusal)
        return super().connect_tcp(addresses[0], port, timeout, local_address, socket_options)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport, its connection pool on the guarded backend."""

    def __init__(self, destinations: Destinations) -> None:
        super().__init__()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(destinations),
        )
