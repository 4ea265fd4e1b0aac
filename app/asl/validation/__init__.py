"""Validate Amazon States Language definitions the way AWS does, without running them.

``validate_definition`` returns the diagnostics ValidateStateMachineDefinition reports;
``format_invalid_definition`` turns them into the message of CreateStateMachine's
``InvalidDefinition`` error; ``validate_file_report`` serves the ``sfn validate`` command.
"""

from app.asl.validation.diagnostics import Diagnostic, format_invalid_definition
from app.asl.validation.machine import validate_definition, validate_file_report

__all__ = ["Diagnostic", "format_invalid_definition", "validate_definition", "validate_file_report"]
