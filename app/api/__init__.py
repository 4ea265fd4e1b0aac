"""HTTP surfaces over ``service/``: the AWS JSON 1.0 protocol, readable REST routes, health."""
