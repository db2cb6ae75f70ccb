"""Tests of the tray app: hotkeys, single instance, menu, jobs on a real X server."""
