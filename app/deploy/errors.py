"""The one error of a deployment that cannot go on: what is wrong, and where in the template."""

from __future__ import annotations


class DeployError(Exception):
    """A template (or a value it refers to) that cannot be deployed; the message names the resource and property."""
