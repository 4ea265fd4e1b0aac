"""Server and worker processes pace the cycle collector for many short-lived containers."""

from __future__ import annotations

import gc
import logging

import pytest

from app import cli
from app.gc_tuning import YOUNG_THRESHOLD


def test_a_server_process_collects_young_garbage_far_less_often_than_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(logging, "basicConfig", lambda **_: None)
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        cli._prepare_process("warning")
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD > 700
    finally:
        gc.set_threshold(*before)
