"""``python -m bench``: the project's own benchmark, run against a server process it starts itself.

It wraps the shared yardstick (``../shared/bench/bench.py``) so our figures are comparable with the
moto/LocalStack ones, and adds two scenarios the yardstick lacks: ``memory`` and ``history_25k``.
"""
