"""The web console at ``/console``: pages a browser renders from the ``/v1`` REST routes.

``pages`` serves the page shells and their static files; ``graph`` lays a definition out as boxes
and arrows; ``progress`` reads a history into each state's visits. Nothing here touches the
database or the engine: the routes under ``/v1/overview`` hand them plain data.
"""
