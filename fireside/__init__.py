"""Fireside: the open-source home an organization gives its community."""

__version__ = "0.1.0"
