"""Stack Up: a collaboration health check for local public services."""

__version__ = "0.1.0"
