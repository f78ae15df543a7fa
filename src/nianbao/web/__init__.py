"""The web app: review, correct, consolidate and write reports in a browser (`nianbao serve`)."""

from .app import create_app

__all__ = ["create_app"]
