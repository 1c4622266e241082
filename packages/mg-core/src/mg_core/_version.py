"""The mg-core version; hatchling reads it from here (one source of truth)."""

__version__ = "0.1.0.dev0"
