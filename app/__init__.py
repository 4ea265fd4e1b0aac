"""A self-hosted, durable workflow engine that speaks the AWS Step Functions API."""
