"""The execution core: the one way an execution changes, below the API's use cases and the scheduler.

Load an execution, apply triggers through the engine's ``advance()`` under one step budget, turn
the transition into rows, commit them under the execution's version fence, then settle what
follows (wake-ups of schedulers and activity pollers, news for a parent execution). ``service/``
(StartExecution, StopExecution, callbacks, activity polls) and ``scheduler/`` (claimed work items,
task calls) both call down into it; neither imports the other.
"""
