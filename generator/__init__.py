"""The Big List of B2B Online Communities: from YAML entries to a checked, searchable site."""

__version__ = "0.1.0"
