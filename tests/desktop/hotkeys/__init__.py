"""Tests of desktop/hotkeys."""
