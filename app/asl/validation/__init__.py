"""Validate Amazon States Language definitions the way AWS does, without running them.

``machine.validate_definition`` returns the diagnostics ValidateStateMachineDefinition reports;
``diagnostics.format_invalid_definition`` turns them into the message of CreateStateMachine's
``InvalidDefinition`` error; ``report.validate_files_report`` serves the ``sfn validate`` command.
The rules of each state type live with its model in ``app.asl.states``; this package walks a
definition and applies them, with the rules that every state or object shares.
"""
