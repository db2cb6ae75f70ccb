"""Tests of desktop notifications: a real D-Bus notification server on a private bus."""
