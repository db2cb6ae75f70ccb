"""The Model submenu: built from the kept list, refreshed on a worker that only posts, choices written to the file."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from core import model_list
from core.config import ProviderSettings
from core.model_list import ListedModel, ModelList
from core.yaml_edit import set_value_in_file
from providers.catalog.openai import INFO as OPENAI
from tests.providers.loopback import LoopbackServer
from tests.providers.openai_contract import models_answer
from tests.providers.openai_server import OpenAISpec
from tray import menu, model_menu
from tray.events import MenuCommand
from tray.ui_actions import MenuActions

KEY = "sk-proj-tray-models-0123456789"


def listed(*models: ListedModel) -> ModelList:
    return ModelList("openai", models, model_list.now_utc())


def test_the_submenu_marks_the_configured_model_and_says_which_shut_down() -> None:
    kept = listed(ListedModel("gpt-image-2.6-flare"), ListedModel("gpt-image-1.5", "2026-12-01"))
    items = model_menu.model_items(OPENAI, "gpt-image-1", kept, today="2026-12-01")
    assert items[0].label == "gpt-image-1 was shut down on 2026-10-23: choose gpt-image-2.6-flare"
    assert not items[0].enabled
    assert [(i.label, i.checked) for i in items[1:]] == [
        ("gpt-image-2.6-flare", False),
        ("gpt-image-1.5 (shut down 2026-12-01)", False),
    ]
    current = model_menu.model_items(OPENAI, "gpt-image-2.6-flare", kept, today="2026-11-30")
    assert current[0].checked is True
    assert current[1].label == "gpt-image-1.5 (shuts down 2026-12-01)"


def test_without_a_kept_list_the_built_in_one_is_shown_and_said() -> None:
    items = model_menu.model_items(OPENAI, "gpt-image-2.6-flare", None, today="2026-12-01")
    assert items[0].label == "gpt-image-2.6-flare"
    assert items[-1].label.startswith("(built-in list")


def test_the_model_submenu_sits_under_provider() -> None:
    state = menu.MenuState(
        capture_hotkey=None,
        clipboard_hotkey=None,
        providers=(menu.ProviderChoice("openai", "OpenAI", True),),
        provider="openai",
        presets=(),
        preset=None,
        output_mode="clipboard",
        remove_background_after=False,
        start_at_login=None,
        models=model_menu.model_items(OPENAI, "gpt-image-2.6-flare", None, today="2026-12-01"),
    )
    labels = [item.label for item in menu.build_menu(state)]
    assert labels[labels.index("Provider") + 1] == "Model"


def test_a_stale_list_is_asked_on_a_worker_kept_and_the_tk_thread_told(tmp_path: Path) -> None:
    posted: list[MenuCommand] = []
    told = threading.Event()

    threads: list[str] = []

    def post(command: MenuCommand) -> None:
        posted.append(command)
        threads.append(threading.current_thread().name)
        told.set()

    lists = model_menu.ModelLists(tmp_path, post)
    with LoopbackServer([models_answer("gpt-image-2.6-flare", "gpt-image-2")], validator=OpenAISpec(KEY)) as server:
        settings = ProviderSettings(
            "openai", base_url=server.url + "/v1", timeout=10, connect_timeout=2, model="gpt-image-2"
        )
        stale = model_list.now_utc() - timedelta(days=2)
        model_list.save(tmp_path, ModelList("openai", (ListedModel("gpt-image-1"),), stale, base_url=settings.base_url))
        # The stand-in plays api.openai.com: only a provider's own endpoint is asked unprompted.
        playing = replace(OPENAI, default_base_url=settings.base_url)
        assert lists.refresh_if_stale(playing, settings, lambda _p: KEY)
        assert told.wait(10), "the worker never posted"
        # Asked once per session, however often the menu is rebuilt.
        assert not lists.refresh_if_stale(playing, settings, lambda _p: KEY)
    assert posted == [MenuCommand(model_menu.REFRESHED, "openai")]
    assert server.requests[0].path == "/v1/models"
    assert threads == ["models-openai"]  # posted from the worker, never run on the caller's (Tk) thread
    kept = model_list.load(tmp_path, "openai")
    assert kept is not None
    assert kept.ids == ("gpt-image-2", "gpt-image-2.6-flare")
    assert kept.is_fresh(model_list.now_utc())
    labels = [item.label for item in lists.items(OPENAI, settings)]
    assert labels == ["gpt-image-2", "gpt-image-2.6-flare"]


def test_a_fresh_list_is_not_asked_again(tmp_path: Path) -> None:
    settings = ProviderSettings("openai", base_url="http://127.0.0.1:9/v1")
    fresh = ModelList("openai", (ListedModel("gpt-image-2.6-flare"),), model_list.now_utc(), base_url=settings.base_url)
    model_list.save(tmp_path, fresh)
    lists = model_menu.ModelLists(tmp_path, lambda _c: None)

    def no_key(_provider: str) -> str:
        raise AssertionError("the key must not be read for a fresh list")

    assert not lists.refresh_if_stale(replace(OPENAI, default_base_url=settings.base_url), settings, no_key)


def test_a_server_of_your_own_is_never_asked_unprompted(tmp_path: Path) -> None:
    lists = model_menu.ModelLists(tmp_path, lambda _c: None)
    mine = ProviderSettings("openai", base_url="http://127.0.0.1:9/v1")

    def no_key(_provider: str) -> str:
        raise AssertionError("the key must not be read for a server the tray will not ask")

    assert not lists.refresh_if_stale(OPENAI, mine, no_key)


def test_another_servers_list_is_not_taken_for_this_ones(tmp_path: Path) -> None:
    # A list kept from a test or bench server must not stand in for api.openai.com's.
    theirs = ModelList("openai", (ListedModel("local-thing"),), model_list.now_utc(), base_url="http://127.0.0.1:9/v1")
    model_list.save(tmp_path, theirs)
    ours = ProviderSettings("openai", base_url="https://api.openai.com/v1", model="gpt-image-2.6-flare")
    labels = [item.label for item in model_menu.ModelLists(tmp_path, lambda _c: None).items(OPENAI, ours)]
    assert "local-thing" not in labels
    assert labels[0] == "gpt-image-2.6-flare"


def test_choosing_a_model_writes_it_to_the_settings_file_keeping_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("# mine\nproviders:\n  openai: {model: gpt-image-1}  # old\n", encoding="utf-8")
    saved: list[Any] = []

    def save_setting(key_path: tuple[str | int, ...], value: str | bool | None) -> None:
        saved.append((key_path, value))
        set_value_in_file(path, key_path, value)

    app = SimpleNamespace(save_setting=save_setting)
    MenuActions(app).run(MenuCommand(model_menu.CHOOSE, "openai\tgpt-image-2.6-sunburst"))
    assert saved == [(("providers", "openai", "model"), "gpt-image-2.6-sunburst")]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# mine\n")
    assert "gpt-image-2.6-sunburst" in text
    assert "gpt-image-1}" not in text
