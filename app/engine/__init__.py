"""The interpreter: ``advance()`` turns a snapshot and a trigger into a transition. No I/O."""
