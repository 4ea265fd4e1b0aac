"""Load a handler from ``<functions_dir>/<name>.py``, again whenever the file changes.

A worker process keeps the modules it has run, like a warm Lambda environment, but compares the file's
modification time and size on every call so an edit takes effect without restarting anything. Source is
compiled directly (no ``__pycache__``): a ``.pyc`` only records the mtime to the second, which would
serve stale code after a quick edit, and the functions directory stays clean.
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

HANDLER_NAMES = ("handler", "lambda_handler")
Handler = Callable[[Any, Any], Any]


# Where Lambda keeps a function's code, and so where the frames of an error's stack trace say they are.
TASK_ROOT = "/var/task"


class LoadError(Exception):
    """The module could not be loaded or has no handler; ``error_type`` is the Lambda runtime's name for it."""

    def __init__(self, error_type: str, message: str, stack_trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.stack_trace = stack_trace or []


@dataclass
class _Loaded:
    stamp: tuple[int, int]
    module: types.ModuleType


class ModuleCache:
    """Modules by path, reloaded when ``(mtime_ns, size)`` of their file changes."""

    def __init__(self) -> None:
        self._modules: dict[str, _Loaded] = {}

    def handler(self, path: str, name: str, attribute: str | None = None) -> Handler:
        """The ``attribute`` (by default ``handler`` or ``lambda_handler``) of the module at ``path``,
        loading it if needed."""
        module = self.module(path, name)
        for candidate_name in (attribute,) if attribute else HANDLER_NAMES:
            candidate = getattr(module, candidate_name, None)
            if callable(candidate):
                return candidate  # type: ignore[no-any-return]
        missing = attribute or HANDLER_NAMES[0]
        raise LoadError("Runtime.HandlerNotFound", f"Handler '{missing}' missing on module '{name}'")

    def module(self, path: str, name: str) -> types.ModuleType:
        """The module at ``path``, fresh if its file changed since it was last loaded."""
        try:
            status = os.stat(path)
        except OSError as exc:
            raise LoadError("Runtime.ImportModuleError", f"Unable to import module '{name}': {exc.strerror}") from exc
        stamp = (status.st_mtime_ns, status.st_size)
        loaded = self._modules.get(path)
        if loaded is not None and loaded.stamp == stamp:
            return loaded.module
        module = _load(path, name)
        self._modules[path] = _Loaded(stamp, module)
        return module


def shown_path(path: str) -> str:
    """A function's own file under ``/var/task`` (Lambda's task root); any other file by its name alone."""
    absolute = os.path.abspath(path)
    root = os.environ.get("LAMBDA_TASK_ROOT")
    if root and absolute.startswith(os.path.abspath(root) + os.sep):
        return f"{TASK_ROOT}/{os.path.relpath(absolute, root)}"
    return os.path.basename(absolute)


def _load(path: str, name: str) -> types.ModuleType:
    directory = os.path.dirname(path)
    if directory not in sys.path:
        # Helper modules next to the handler import as they do in Lambda's /var/task.
        sys.path.insert(0, directory)
    module_name = _module_name(name)
    module = types.ModuleType(module_name)
    module.__file__ = path
    module.__dict__["__sfn_function__"] = True
    try:
        with open(path, "rb") as source_file:
            source = source_file.read()
        code = compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        shown = shown_path(exc.filename or path)
        trace = [f'  File "{shown}" Line {exc.lineno}\n    {(exc.text or "").strip()}\n']
        message = f"Syntax error in module '{name}': {exc.msg} ({os.path.basename(shown)}, line {exc.lineno})"
        raise LoadError("Runtime.UserCodeSyntaxError", message, trace) from exc
    except OSError as exc:
        raise LoadError("Runtime.ImportModuleError", f"Unable to import module '{name}': {exc.strerror}") from exc
    previous = sys.modules.get(module_name)
    sys.modules[module_name] = module
    try:
        exec(code, module.__dict__)
    except ImportError as exc:
        _restore(module_name, previous)
        raise LoadError("Runtime.ImportModuleError", f"Unable to import module '{name}': {exc}") from exc
    except BaseException:
        _restore(module_name, previous)
        raise
    return module


def _module_name(name: str) -> str:
    """The function's own name, as Lambda imports it, unless that would shadow a module already imported."""
    existing = sys.modules.get(name)
    if existing is None or getattr(existing, "__sfn_function__", False):
        return name
    return f"_sfn_function_{name}"


def _restore(module_name: str, previous: types.ModuleType | None) -> None:
    if previous is None:
        sys.modules.pop(module_name, None)
    else:
        sys.modules[module_name] = previous
