"""Use cases shared by both API surfaces (AWS JSON and REST): they own request-level transactions,
ARNs and AWS's rules for names, payloads and idempotent starts, and reach executions through the
execution core."""
