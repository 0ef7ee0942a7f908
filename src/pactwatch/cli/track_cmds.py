"""Commands registered on pactwatch.cli.app (placeholder until implemented)."""

from pactwatch.cli import app  # noqa: F401
