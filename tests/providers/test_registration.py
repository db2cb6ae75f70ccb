"""One module per provider (issue 15): what a catalog module declares is all the app needs to offer it."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from core.config import parse_config
from core.config_defaults import DEFAULT_CONFIG_TEXT
from providers.http import build_http_client
from providers.registry import CATALOG_MODULES, create_provider, provider_catalog, registrations
from tests.providers.provider_run import REPO

CATALOG = provider_catalog()


def test_every_catalog_module_is_listed_once_and_registers_distinct_ids() -> None:
    assert len(set(CATALOG_MODULES)) == len(CATALOG_MODULES)
    ids = [entry.info.id for entry in registrations()]
    assert len(ids) == len(set(ids))
    assert {"bfl", "openrouter", "xai"} <= set(ids)
    # The self-hosted server stays last in the menu, after every hosted provider.
    assert ids[-1] == "openai-compatible"


@pytest.mark.parametrize("provider_id", sorted(CATALOG))
def test_a_registered_provider_is_built_by_its_factory_and_configurable(provider_id: str) -> None:
    info = CATALOG[provider_id]
    # The settings file accepts a block for it, with its own options and model.
    text = f'providers:\n  {provider_id}: {{base_url: "https://example.test", timeout: 30}}\n'
    config = parse_config(text, CATALOG, source="test.yaml")
    settings = config.provider(provider_id)
    assert settings.base_url == "https://example.test"

    async def build() -> object:
        async with build_http_client() as client:
            return create_provider(provider_id, settings, client)

    provider = asyncio.run(build())
    assert getattr(provider, "info", None) is info
    assert info.default_mode in info.mode_ids
    assert info.key_env_vars or not info.needs_key


@pytest.mark.parametrize("provider_id", ["bfl", "openrouter", "xai"])
def test_the_new_providers_work_on_their_defaults_without_a_line_in_the_settings_file(provider_id: str) -> None:
    config = parse_config(DEFAULT_CONFIG_TEXT, CATALOG, source="default")
    assert config.provider(provider_id).base_url == CATALOG[provider_id].default_base_url


def test_reading_the_catalog_imports_no_http_code() -> None:
    # A fresh interpreter: the config check and 'providers' must not pay for httpx (about 100 ms).
    code = (
        "import sys; from providers.registry import provider_catalog; provider_catalog(); print('httpx' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
