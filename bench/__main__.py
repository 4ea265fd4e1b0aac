"""Entry point so ``python -m bench`` works from the project root."""

from bench.cli import main

raise SystemExit(main())
