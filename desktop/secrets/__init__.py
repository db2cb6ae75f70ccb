"""The OS keyring: which backend to open, and our own Secret Service client (ADR 038)."""
