"""The only code that writes SQL: the tables, the dialects, compiled statements with their typed records,
and one module per aggregate (executions and their history, work items, task tokens, state machines,
activities, tags). It takes plain rows and returns records; it knows nothing of the engine."""
