"""Commands that act on a running server through its API (never its database): ``sfn schedules``,
``sfn stacks``, and the REST client they and ``sfn deploy`` share."""
