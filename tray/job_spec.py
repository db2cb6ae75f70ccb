"""A plan and a crop as the job runner's ``JobSpec``: the provider, the request and key lookups.

The keys are lookups the job calls on its own thread, not values read here on the Tk thread: the
keyring may wait seconds for an unlock prompt (issue 17), and a Retry looks them up again.
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image

from core.config import Config
from core.job_events import FollowUp, JobSpec
from core.keys import KeyStore
from core.models import EditRequest
from core.planning import REMOVE_BACKGROUND_MODE, REMOVE_BACKGROUND_PROVIDER, Plan
from tray.parts import AppParts


def job_spec(
    parts: AppParts,
    config: Config,
    plan: Plan,
    crop: Image.Image,
    prompt: str,
    mask: Image.Image | None,
    markup: Image.Image | None = None,
) -> JobSpec:
    """What ``parts.jobs.submit`` runs for ``plan`` on ``crop`` (``mask``: ours, 255 = edit)."""
    assert plan.provider_id is not None  # noqa: S101 - copy plans never reach here
    key = key_lookup(parts.keys, plan.provider_id)
    provider = parts.make_provider(plan.provider_id, config.provider(plan.provider_id))
    request = EditRequest(
        mode=plan.mode,
        prompt=prompt,
        image=crop if plan.needs_image else None,
        mask=mask if plan.needs_image else None,
        markup=markup if plan.needs_image else None,
        options=plan.options,
    )
    follow_up = None
    if plan.remove_background_after:
        follow_up = FollowUp(
            provider=parts.make_provider(REMOVE_BACKGROUND_PROVIDER, config.provider(REMOVE_BACKGROUND_PROVIDER)),
            key=key_lookup(parts.keys, REMOVE_BACKGROUND_PROVIDER),
            mode=REMOVE_BACKGROUND_MODE,
        )
    return JobSpec(provider=provider, request=request, key=key, follow_up=follow_up, label=plan.preset)


def key_lookup(keys: KeyStore, provider_id: str) -> Callable[[], str]:
    def lookup() -> str:
        return keys.get(provider_id)

    return lookup
