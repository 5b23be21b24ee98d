"""Roster imports: OneRoster 1.1/1.2 CSV packages and the plain CSV, validated first, committed in one go."""
