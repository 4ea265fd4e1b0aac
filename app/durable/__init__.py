"""What the service writes down and reads back later, perhaps in another process or a newer version.

Execution and token statuses, work-item kinds, task news and execution snapshots: plain data with
no I/O, shared by the engine, the store and the execution core, and kept compatible with what
older versions wrote.
"""
