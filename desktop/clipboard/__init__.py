"""Clipboard methods, one module each, and the choice among them (``desktop.clipboard.choose``)."""
