"""The per-user application menu entry, installed and removed for real in a temporary XDG_DATA_HOME."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from desktop.desktop_entry import ICON_SIZES, DesktopEntryFiles, assets_dir, desktop_entry

REPO = Path(__file__).resolve().parents[2]


def _main(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **env}
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), *argv],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_install_writes_a_valid_entry_and_every_icon_size_then_remove_deletes_them(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    result = _main(env, "install-desktop-entry")
    assert result.returncode == 0, result.stderr
    entry = tmp_path / "data" / "applications" / "ai-image-studio.desktop"
    assert entry.is_file()
    for size in ICON_SIZES:
        icon = tmp_path / "data" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "ai-image-studio.png"
        with Image.open(icon) as image:
            assert image.size == (size, size)
            assert image.mode == "RGBA"
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.fail("desktop-file-validate is missing: apt-get install desktop-file-utils (scripts/install.sh --dev)")
    check = subprocess.run([validator, str(entry)], capture_output=True, text=True, check=False)
    assert (check.returncode, check.stdout.strip()) == (0, "")

    removed = _main(env, "install-desktop-entry", "--remove")
    assert removed.returncode == 0, removed.stderr
    assert f"Removed {len(ICON_SIZES) + 1} files." in removed.stderr
    assert not entry.exists()
    assert list((tmp_path / "data").rglob("*.png")) == []
    again = _main(env, "install-desktop-entry", "--remove")
    assert again.returncode == 0
    assert "No desktop entry was installed." in again.stderr


def test_entry_launches_the_tray_and_offers_capture_actions_for_wayland_shortcuts() -> None:
    text = desktop_entry(["/opt/AI Image Studio/ai-image-studio"])
    assert 'Exec="/opt/AI Image Studio/ai-image-studio"\n' in text
    assert "Actions=capture;clipboard;\n" in text
    assert (
        '[Desktop Action capture]\nName=Capture region\nExec="/opt/AI Image Studio/ai-image-studio" capture\n' in text
    )
    assert 'Exec="/opt/AI Image Studio/ai-image-studio" capture --from-clipboard\n' in text
    assert "Icon=ai-image-studio\n" in text


def test_the_icons_shipped_in_assets_cover_every_installed_size() -> None:
    files = DesktopEntryFiles.under(Path("/x"))
    assert [size for size, _path in files.icons] == list(ICON_SIZES)
    for size in ICON_SIZES:
        with Image.open(assets_dir() / "icons" / f"ai-image-studio-{size}.png") as image:
            assert image.size == (size, size)
            # The corners are transparent (a rounded square), the middle is opaque.
            assert image.getpixel((0, 0))[3] == 0  # type: ignore[index]
            assert image.getpixel((size // 2, size // 2))[3] == 255  # type: ignore[index]


def test_one_file_build_finds_the_icons_in_its_unpack_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert assets_dir() == tmp_path / "assets"
