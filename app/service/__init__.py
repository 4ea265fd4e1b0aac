"""Use cases shared by every surface (AWS JSON, REST, console): they own transactions and ARNs."""
