"""Integrations' models, one module per area: rosters (import history)."""

from peerpath.integrations.models.rosters import RosterImport

__all__ = ["RosterImport"]
