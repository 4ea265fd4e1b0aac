"""The background loop that claims work items, runs the engine and commits transitions."""
