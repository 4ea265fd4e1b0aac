"""Raises an exception of a custom class, as a function would to signal a business error."""


class CustomError(Exception):
    pass


def handler(event, context):
    raise CustomError(f"custom failure for {event.get('id')}")
