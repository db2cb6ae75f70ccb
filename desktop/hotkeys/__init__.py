"""Global hotkeys at the OS edge: one module per method (X11 grab, Windows RegisterHotKey, pynput).

``tray/hotkeys.py`` picks the method with ``desktop.methods.first_usable`` and turns what a method
refuses into sentences; the methods know nothing of settings or of the tray.
"""
