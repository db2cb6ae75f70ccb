"""The grim method's process handling, run against a stand-in ``grim`` executable on PATH.

A real grim needs a wlroots compositor, which this machine has not; the stand-in behaves as
grim does at its edges: PPM on stdout and exit 0, or a message on stderr and exit 1.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from core.errors import CaptureError
from core.models import Rect
from desktop.capture.grim import GrimCapture
from tests.desktop.capture.screens import noise

SWAY = {"WAYLAND_DISPLAY": "wayland-1", "XDG_SESSION_TYPE": "wayland", "XDG_CURRENT_DESKTOP": "sway"}


def _install_grim(folder: Path, script: str) -> dict[str, str]:
    executable = folder / "grim"
    executable.write_text(f"#!/bin/sh\n{script}\n")
    executable.chmod(0o755)
    return {**SWAY, "PATH": f"{folder}{os.pathsep}/usr/bin{os.pathsep}/bin"}


def test_grim_output_becomes_the_screenshot_pixel_for_pixel(tmp_path: Path) -> None:
    picture = noise(800, 450, seed=8)
    picture.save(tmp_path / "screen.ppm")
    arguments = tmp_path / "arguments"
    env = _install_grim(tmp_path, f'echo "$@" > {shlex.quote(str(arguments))}\ncat {tmp_path / "screen.ppm"}')
    method = GrimCapture(env)
    assert method.is_installed()
    (shot,) = method.grab()
    assert shot.image.tobytes() == picture.tobytes()
    assert shot.monitor.rect == Rect(0, 0, 800, 450)
    assert method.monitors() == (shot.monitor,)
    assert arguments.read_text().split() == ["-t", "ppm", "-"]


def test_a_grim_failure_is_a_capture_error_with_grims_words(tmp_path: Path) -> None:
    env = _install_grim(tmp_path, "echo 'compositor does not support wlr-screencopy-unstable-v1' >&2; exit 1")
    with pytest.raises(CaptureError, match="wlr-screencopy"):
        GrimCapture(env).grab()


def test_grim_output_that_is_no_image_is_a_capture_error(tmp_path: Path) -> None:
    env = _install_grim(tmp_path, "echo hello")
    with pytest.raises(CaptureError, match="not an image"):
        GrimCapture(env).grab()


def test_without_grim_on_path_it_is_not_installed(tmp_path: Path) -> None:
    assert not GrimCapture({**SWAY, "PATH": str(tmp_path)}).is_installed()


@pytest.mark.parametrize(
    ("desktop", "fits"),
    [("sway", True), ("Hyprland", True), ("", True), ("GNOME", False), ("ubuntu:GNOME", False), ("KDE", False)],
)
def test_grim_fits_wayland_desktops_with_screencopy_only(desktop: str, fits: bool) -> None:
    assert GrimCapture({**SWAY, "XDG_CURRENT_DESKTOP": desktop}).fits_this_system() is fits


def test_grim_does_not_fit_an_x11_session() -> None:
    assert not GrimCapture({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}).fits_this_system()
