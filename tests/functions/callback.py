"""Answers a .waitForTaskToken task by calling SendTaskSuccess on the server that invoked it."""

import json

import boto3


def handler(event, context):
    client = boto3.client("stepfunctions")
    client.send_task_success(taskToken=event["token"], output=json.dumps({"answered": event["value"]}))
    return {"sent": True}
