"""One module per state type; each parses its own fields into a frozen spec."""
