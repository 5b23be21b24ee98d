"""Writes about people, one module per area: profile (language, record views), people (deactivation)."""
