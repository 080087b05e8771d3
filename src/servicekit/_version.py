"""The single source of servicekit's version number."""

__version__ = "0.1.0.dev0"
