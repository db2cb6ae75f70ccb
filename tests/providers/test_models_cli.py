"""``main.py models`` as a person runs it: live lists from the loopback stand-ins, the offline fallback, the cache."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from tests.providers import google_server as gemini
from tests.providers.loopback import LoopbackServer
from tests.providers.openai_contract import models_answer
from tests.providers.openai_server import OpenAISpec
from tests.providers.provider_run import run_cli, write_config

OPENAI_KEY = "sk-proj-test-models-0123456789"


def state_file(home: Path, provider_id: str) -> Path:
    return home / ".local" / "state" / "ai-image-studio" / f"models-{provider_id}.json"


def test_models_openai_lists_the_image_models_the_key_can_use_and_marks_the_configured_one(tmp_path: Path) -> None:
    answer = models_answer(
        "gpt-image-2.6-flare", "gpt-image-2.6-sunburst", "gpt-image-1.5", shutdown={"gpt-image-1.5": "2026-12-01"}
    )
    with LoopbackServer([answer], validator=OpenAISpec(OPENAI_KEY)) as server:
        config = write_config(tmp_path, "openai", server.url + "/v1")
        done = run_cli(tmp_path, "OPENAI_API_KEY", OPENAI_KEY, "--config", str(config), "models", "openai")
    assert done.returncode == 0, done.stderr
    assert server.requests, done.stdout
    assert server.requests[0].method == "GET"
    assert server.requests[0].path == "/v1/models"
    lines = done.stdout.splitlines()
    assert lines[0].startswith("openai: models this key can use (asked ")
    assert "  * gpt-image-2.6-flare  (configured)" in lines
    assert "    gpt-image-2.6-sunburst" in lines
    assert any(line.startswith("    gpt-image-1.5  (shut") and "2026-12-01" in line for line in lines)
    assert "embedding" not in done.stdout
    assert "gpt-6.1" not in done.stdout
    assert OPENAI_KEY not in done.stdout + done.stderr
    # AND the answer is kept in the state folder with its date, for the tray's Model menu
    kept = json.loads(state_file(tmp_path, "openai").read_text(encoding="utf-8"))
    assert kept["source"] == "live"
    assert kept["fetched_at"].startswith("20")
    assert [m["id"] for m in kept["models"]] == ["gpt-image-1.5", "gpt-image-2.6-flare", "gpt-image-2.6-sunburst"]


def test_models_offline_falls_back_to_the_built_in_list_and_says_so(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    config = write_config(tmp_path, "openai", f"http://127.0.0.1:{closed}/v1")
    done = run_cli(tmp_path, "OPENAI_API_KEY", OPENAI_KEY, "--config", str(config), "models", "openai")
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("openai: could not reach the provider")
    assert "showing the built-in list" in first
    assert "  * gpt-image-2.6-flare  (configured)" in done.stdout
    assert not state_file(tmp_path, "openai").exists()


def test_models_google_reads_every_page_and_keeps_only_image_models(tmp_path: Path) -> None:
    pages = gemini.models_pages(("gemini-nano-banana-2.1",), ("gemini-3-pro-image", "gemini-3.1-flash-lite-image"))
    with LoopbackServer(pages, validator=gemini.GeminiShape(gemini.KEY)) as server:
        config = write_config(tmp_path, "google", server.url + "/v1beta")
        done = run_cli(tmp_path, "GEMINI_API_KEY", gemini.KEY, "--config", str(config), "models", "google")
    assert done.returncode == 0, done.stderr
    assert [r.query.get("pageToken") for r in server.requests] == [None, ["page-1"]]
    assert all("key" not in r.query for r in server.requests)
    listed = [line.strip() for line in done.stdout.splitlines()[1:]]
    assert listed == ["gemini-3-pro-image", "gemini-3.1-flash-lite-image", "* gemini-nano-banana-2.1  (configured)"]


def test_a_provider_that_refuses_the_list_exits_1_and_still_shows_the_built_in_list(tmp_path: Path) -> None:
    from tests.providers.openai_server import error_answer

    refused = error_answer(401, "invalid_api_key", "Incorrect API key provided.")
    with LoopbackServer([refused]) as server:
        config = write_config(tmp_path, "openai", server.url + "/v1")
        done = run_cli(tmp_path, "OPENAI_API_KEY", OPENAI_KEY, "--config", str(config), "models", "openai")
    assert done.returncode == 1
    assert "the provider refused the list" in done.stdout
    assert "keys set openai" in done.stdout
    assert "gpt-image-2.6-flare" in done.stdout


def test_providers_without_a_list_show_what_they_declare(tmp_path: Path) -> None:
    config = write_config(tmp_path, "photoroom", "https://sdk.photoroom.com")
    done = run_cli(tmp_path, "PHOTOROOM_API_KEY", "x", "--config", str(config), "models", "photoroom")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("photoroom: models this provider declares (it publishes no list)")


def test_config_check_warns_in_words_about_a_retired_model_and_names_its_successor(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("providers:\n  openai: {model: gpt-image-1.5}\n", encoding="utf-8")
    done = run_cli(tmp_path, "OPENAI_API_KEY", OPENAI_KEY, "--config", str(config), "config", "check")
    assert done.returncode == 0, done.stderr
    assert (
        "Warning: line 2, providers.openai.model: gpt-image-1.5 was shut down on 2026-12-01; "
        "use gpt-image-2.6-sunburst instead."
    ) in done.stderr.splitlines()
    assert "OK" in done.stdout
