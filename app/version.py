"""This server's version, as installed (the OpenAPI document, ``sfn --version``, the startup line)."""

from __future__ import annotations

import importlib.metadata

DISTRIBUTION = "sfn-server"


def version() -> str:
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:  # a source tree that was never installed
        return "unknown"
