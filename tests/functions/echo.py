"""Returns its event, with a marker, so tests can see what the Task passed."""


def handler(event, context):
    return {"echo": event, "function": context.function_name}
