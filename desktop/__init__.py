"""The OS-facing edges: screen capture, clipboard, notifications, autostart.

One module per method; each says whether it fits this system and whether it is installed, and
carries an install hint that the app shows when nothing fits.
"""
