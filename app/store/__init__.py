"""The only code that writes SQL: tables, the engine factory and one repository per aggregate."""
