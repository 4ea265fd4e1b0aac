"""Amazon States Language: parsing, validation, data flow and rule evaluation. Pure code, no I/O."""
