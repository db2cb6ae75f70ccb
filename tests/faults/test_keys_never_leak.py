"""No API key in anything the app writes: a realistic session, then a grep of all of it.

GIVEN distinct fake keys per provider, some in the environment and others stored with ``main.py keys
set`` (from stdin) in a private gnome-keyring, WHEN ``main.py -vv`` (debug logging) runs jobs through
successes and failures - including servers that echo the key they received back inside their error
message, a redirect to another host, a retry, and ``--copy`` (an xclip helper process) - while
``ps -eo args`` is sampled, THEN no key (nor its middle part, which masking never shows) appears in
stdout, stderr, the settings file, saved files, the state folder, TMPDIR or any ``ps`` snapshot.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.desktop.notify.notify_server import notification_server
from tests.faults.harness import KEYS, MAIN, picture
from tests.faults.tray_driving import select_and_prompt
from tests.providers import google_server as gemini
from tests.providers.loopback import LoopbackServer, Recorded, Reply
from tests.providers.openai_server import error_answer, images_answer, png
from tests.tray.tray_session import PYTHON, REPO, TrayProcess, tray_desktop, wait_for, write_config
from tests.virtual_desktop import VirtualDesktop, virtual_desktop

pytestmark = pytest.mark.desktop

# Stored in the keyring and used when the provider's variable is not set.
RING_KEYS = {
    "ideogram": "ideo-ring-key-Wq8Zt3Lp0Xc5Vn7",
    "photoroom": "phr-ring-key-Kd2Mf9Rs4Hb6Jy1",
    "google": "AIza-ring-key-Ub3Np7Qe5Ta8Gx2",
}
ENV_VARS = {"ideogram": "IDEOGRAM_API_KEY", "photoroom": "PHOTOROOM_API_KEY", "google": "GEMINI_API_KEY"}
ALL_KEYS = [*KEYS.values(), *RING_KEYS.values()]


def secret_parts(key: str) -> list[str]:
    """The whole key and its middle: masking may show a short prefix and the last four, never the rest."""
    return [key, key[8:-4]]


@pytest.fixture(scope="module")
def keyring_desktop() -> Iterator[VirtualDesktop]:
    with virtual_desktop(640, 480, keyring=True) as desktop:
        yield desktop


class Session:
    """``main.py`` runs sharing one HOME, TMPDIR and keyring; everything they print is kept."""

    def __init__(self, folder: Path, desktop: VirtualDesktop) -> None:
        self.folder = folder
        self.desktop = desktop
        self.tmp = folder / "tmp"
        self.tmp.mkdir()
        self.outputs: list[str] = []
        self.ps: list[str] = []
        picture().save(folder / "in.png")

    def env(self, *, ring_for: str | None = None) -> dict[str, str]:
        env = {
            **self.desktop.env,
            "HOME": str(self.folder),
            "TMPDIR": str(self.tmp),
            "XDG_CONFIG_HOME": str(self.folder / "config"),
            "XDG_STATE_HOME": str(self.folder / "state"),
            **KEYS,
        }
        if ring_for is not None:
            env.pop(ENV_VARS[ring_for], None)
            env.pop("GOOGLE_API_KEY", None)
        return env

    def run(self, *args: str, stdin: str = "", ring_for: str | None = None) -> subprocess.CompletedProcess[str]:
        with PsSampler() as sampler:
            result = subprocess.run(
                [sys.executable, str(MAIN), "-vv", *args],
                cwd=self.folder, env=self.env(ring_for=ring_for), input=stdin,
                capture_output=True, text=True, timeout=60, check=False,
            )  # fmt: skip
        self.ps += sampler.snapshots
        self.outputs += [result.stdout, result.stderr]
        return result

    def edit(self, provider: str, base_url: str, *extra: str, ring_for: str | None = None) -> str:
        config = self.folder / "config.yaml"
        config.write_text(
            f'providers:\n  {provider}: {{base_url: "{base_url}", timeout: 20, connect_timeout: 2}}\n', encoding="utf-8"
        )
        result = self.run(
            "--config", str(config), "edit", "in.png", "--provider", provider, "--copy",
            "--output", f"out-{len(self.outputs)}.png", *extra, ring_for=ring_for,
        )  # fmt: skip
        return result.stderr

    def everything_written(self) -> dict[str, str]:
        texts = {f"output {index}": text for index, text in enumerate(self.outputs)}
        texts.update({f"ps snapshot {index}": text for index, text in enumerate(self.ps)})
        for path in self.folder.rglob("*"):
            if path.is_file():
                texts[str(path)] = path.read_bytes().decode("latin-1")
        return texts


def echo(status: int, make_body: object) -> Reply:
    """An error answer that quotes every request header back, as a careless server or proxy does."""

    def respond(recorded: Recorded) -> Reply:
        echoed = " ".join(f"{name}={value}" for name, value in recorded.headers.items())
        return Reply.json(make_body(echoed), status=status)  # type: ignore[operator]

    return Reply(respond=respond)


def test_no_key_reaches_logs_messages_files_or_command_lines(tmp_path: Path, keyring_desktop: VirtualDesktop) -> None:
    session = Session(tmp_path, keyring_desktop)
    # GIVEN keys stored in the keyring from stdin (never on the command line)
    for provider, key in RING_KEYS.items():
        stored = session.run("keys", "set", provider, stdin=key + "\n")
        assert stored.returncode == 0, stored.stderr
    listed = session.run("keys", "list")
    assert listed.returncode == 0, listed.stderr

    with ExitStack() as stack:
        # WHEN jobs succeed, fail with the key echoed back, are redirected and retried
        ok = stack.enter_context(
            LoopbackServer([images_answer(png()), error_answer(500, None, "x", "server_error"), images_answer(png())])
        )
        assert "Saved" in session.edit("openai", ok.url + "/v1", "--prompt", "p")
        assert "Retrying" in session.edit("openai", ok.url + "/v1", "--prompt", "p")

        openai_echo = stack.enter_context(
            LoopbackServer([echo(400, lambda said: {"error": {"message": f"Bad request: {said}", "code": None}})])
        )
        assert "Error: OpenAI: " in session.edit("openai", openai_echo.url + "/v1", "--prompt", "p")

        google_echo = stack.enter_context(
            LoopbackServer(
                [echo(400, lambda said: {"error": {"code": 400, "message": said, "status": "INVALID_ARGUMENT"}})]
            )
        )
        assert "Error: Google Gemini: " in session.edit("google", google_echo.url + "/v1beta", "--prompt", "p")

        ideogram_echo = stack.enter_context(LoopbackServer([echo(400, lambda said: {"detail": f"Invalid: {said}"})]))
        assert "Error: Ideogram: " in session.edit("ideogram", ideogram_echo.url, "--prompt", "p", ring_for="ideogram")

        photoroom_echo = stack.enter_context(
            LoopbackServer([echo(402, lambda said: {"detail": f"No credits for {said}", "type": "payment"})])
        )
        assert "Error: PhotoRoom: " in session.edit("photoroom", photoroom_echo.url, ring_for="photoroom")

        elsewhere = stack.enter_context(LoopbackServer([gemini.image_answer(png())]))
        moved = Reply(status=307, headers={"location": elsewhere.url + "/v1beta/models/m:generateContent"})
        redirecting = stack.enter_context(LoopbackServer([moved]))
        assert "Saved" in session.edit("google", redirecting.url + "/v1beta", "--prompt", "p", ring_for="google")

    # THEN the keys were used (the servers saw them) ...
    assert openai_echo.requests[0].headers["authorization"] == f"Bearer {KEYS['OPENAI_API_KEY']}"
    assert ideogram_echo.requests[0].headers["api-key"] == RING_KEYS["ideogram"]
    assert photoroom_echo.requests[0].headers["x-api-key"] == RING_KEYS["photoroom"]
    assert redirecting.requests[0].headers["x-goog-api-key"] == RING_KEYS["google"]
    assert "x-goog-api-key" not in elsewhere.requests[0].headers
    assert len(session.ps) > 20
    assert any("xclip" in snapshot for snapshot in session.ps), "no ps snapshot caught the xclip helper"
    # ... and appear nowhere in what the app wrote
    leaks = [
        f"{part!r} in {where}"
        for where, text in session.everything_written().items()
        for key in ALL_KEYS
        for part in secret_parts(key)
        if part in text
    ]
    assert leaks == [], "\n".join(leaks)


def test_no_key_reaches_the_tray_log_notifications_or_helper_command_lines(tmp_path: Path) -> None:
    # GIVEN the tray app at debug level with every provider's key in its environment, a notification
    # server on its private bus, and an OpenAI stand-in that first echoes the key in an error, then answers
    refusal = echo(400, lambda said: {"error": {"message": f"Bad request: {said}", "type": "invalid_request_error"}})
    with (
        tray_desktop() as desktop,
        notification_server(desktop.env["DBUS_SESSION_BUS_ADDRESS"]) as notes,
        LoopbackServer([refusal, images_answer(png())]) as server,
    ):
        tray = start_tray(desktop, tmp_path, server.url + "/v1")
        sampler = PsSampler()
        try:
            tray.wait_log("tray app running")
            with sampler:
                # WHEN a job fails with the echoed key, and another one succeeds (xclip takes the result)
                select_and_prompt(tray)
                failure = notes.received.get(timeout=20)
                select_and_prompt(tray)
                success = notes.received.get(timeout=20)
                wait_for(lambda: bool(tray.clipboard("image/png")), 10, "the result on the clipboard")
            assert tray.stop() == 0
        finally:
            if tray.process.poll() is None:
                tray.process.kill()
                tray.process.wait(5)
    assert server.requests[0].headers["authorization"] == f"Bearer {KEYS['OPENAI_API_KEY']}"
    assert "the job failed" in failure.summary
    assert "Bad request" in failure.body
    assert success.body.startswith("Copied and saved")
    assert any("xclip" in snapshot for snapshot in sampler.snapshots), "no ps snapshot caught the xclip helper"
    # THEN no key is in the logs (stderr and the tray's own log file), the notifications, the files or ps
    texts = {str(path): path.read_bytes().decode("latin-1") for path in tmp_path.rglob("*") if path.is_file()}
    assert any(name.endswith("tray.log") for name in texts), sorted(texts)
    texts.update({f"notification {n.summary}": f"{n.summary}\n{n.body}\n{n.actions}" for n in (failure, success)})
    texts.update({f"ps snapshot {index}": text for index, text in enumerate(sampler.snapshots)})
    leaks = [
        f"{part!r} in {where}"
        for where, text in texts.items()
        for key in KEYS.values()
        for part in secret_parts(key)
        if part in text
    ]
    assert leaks == [], "\n".join(leaks)


class PsSampler:
    """``ps -eo args`` every 20 ms in a thread while the block runs."""

    def __init__(self) -> None:
        self.snapshots: list[str] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._done.is_set():
            ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=False)
            self.snapshots.append(ps.stdout)
            self._done.wait(0.02)

    def __enter__(self) -> PsSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=5)


def start_tray(desktop: VirtualDesktop, folder: Path, base_url: str) -> TrayProcess:
    """``main.py -vv`` as the tray, with every provider's key in its environment (tray_session's layout)."""
    (folder / "tmp").mkdir()
    (folder / "run").mkdir(mode=0o700)
    config = write_config(folder, base_url)
    env = {
        **desktop.env,
        "HOME": str(folder),
        "TMPDIR": str(folder / "tmp"),
        "XDG_RUNTIME_DIR": str(folder / "run"),
        "XDG_STATE_HOME": str(folder / "state"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "PYSTRAY_BACKEND": "gtk",
        **KEYS,
    }
    log_file = folder / "app.log"
    with log_file.open("wb") as sink:
        process = subprocess.Popen(
            [str(PYTHON), str(REPO / "main.py"), "-vv", "--config", str(config)],
            env=env, cwd=str(folder), stdin=subprocess.DEVNULL, stdout=sink, stderr=sink,
        )  # fmt: skip
    return TrayProcess(desktop, folder, process, env, log_file, config)
