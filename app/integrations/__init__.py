"""Task resources: what a Task state calls, outside any database transaction."""
