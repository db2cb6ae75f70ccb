"""The models a key can use, as the provider last said, kept in the state folder with its date.

Model ids die within months (issue 11), so the app asks the provider (``main.py models``, and the
tray at most once a day) instead of trusting a list in the code; the built-in catalog is only the
fallback when the provider cannot be asked. See docs/adr/018-live-model-lists.md.
One JSON file per provider, ``models-<provider>.json``; written whole, by rename, so a reader
never sees half a file.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

MAX_AGE = timedelta(days=1)
LIVE = "live"
CATALOG = "catalog"


@dataclass(frozen=True)
class ListedModel:
    """One model the key can use; ``shutdown_date`` (YYYY-MM-DD) when the provider announced one."""

    id: str
    shutdown_date: str | None = None
    label: str = ""


@dataclass(frozen=True)
class ModelList:
    """A provider's models and where they came from: ``live`` (asked) or ``catalog`` (built in)."""

    provider_id: str
    models: tuple[ListedModel, ...]
    fetched_at: datetime
    source: str = LIVE
    base_url: str = ""  # whose list it is: another server's answer (a test, a bench) is not this one's

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(model.id for model in self.models)

    def is_fresh(self, now: datetime, max_age: timedelta = MAX_AGE) -> bool:
        return self.source == LIVE and timedelta(0) <= now - self.fetched_at < max_age

    def find(self, model_id: str | None) -> ListedModel | None:
        return next((model for model in self.models if model.id == model_id), None)


def now_utc() -> datetime:
    return datetime.now(UTC)


def cache_file(folder: Path, provider_id: str) -> Path:
    return folder / f"models-{provider_id}.json"


def save(folder: Path, listed: ModelList) -> Path:
    """Write ``listed`` for the next start; a failure is logged, never raised (the list is a hint)."""
    target = cache_file(folder, listed.provider_id)
    payload = {
        "provider": listed.provider_id,
        "fetched_at": listed.fetched_at.isoformat(),
        "source": listed.source,
        "base_url": listed.base_url,
        "models": [{"id": m.id, "shutdown_date": m.shutdown_date, "label": m.label} for m in listed.models],
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".tmp")
        partial.write_text(json.dumps(payload, indent=1), encoding="utf-8")
        partial.replace(target)
    except OSError as error:
        log.warning("could not keep the model list in %s: %s", target, error)
    return target


def load(folder: Path, provider_id: str, base_url: str | None = None) -> ModelList | None:
    """The kept list, or None when there is none, it cannot be read, or it is another server's."""
    path = cache_file(folder, provider_id)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        models = tuple(
            ListedModel(str(m["id"]), m.get("shutdown_date") or None, str(m.get("label") or ""))
            for m in payload["models"]
        )
        fetched = datetime.fromisoformat(payload["fetched_at"])
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=UTC)
        kept_url = str(payload.get("base_url") or "")
        if base_url is not None and kept_url != base_url:
            return None
        return ModelList(provider_id, models, fetched, str(payload.get("source") or LIVE), kept_url)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("ignoring the kept model list %s: %s", path, error)
        return None
