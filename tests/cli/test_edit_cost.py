"""``main.py edit`` says what the job cost (issue 18) when the answer says what it billed and the table
prices it; with no price (an OpenAI-compatible server), no number."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.cli.test_edit_cmd import KEY, run_edit
from tests.providers.loopback import LoopbackServer
from tests.providers.openai_server import OpenAISpec, images_answer, png


def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    Image.new("RGB", (300, 200), (30, 90, 150)).save(path)
    return path


def test_edit_prints_the_answers_figure(tmp_path: Path) -> None:
    out = tmp_path / "out.png"
    with LoopbackServer([images_answer(png((48, 32)))], validator=OpenAISpec(KEY)) as server:
        result = run_edit(
            tmp_path, server, str(photo(tmp_path)), "--provider", "openai", "--prompt", "p", "--output", str(out),
            "--option", "stream=false",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # 10 x $5 + 40 x $8 + 1000 x $30 per million tokens (the stand-in's usage) = $0.03037.
    assert "Cost: $0.03 (from the answer's token count; an estimate, not your bill)" in result.stderr.decode()


def test_a_server_without_a_price_gets_no_number(tmp_path: Path) -> None:
    out = tmp_path / "out.png"
    with LoopbackServer([images_answer(png((48, 32)))], validator=OpenAISpec("")) as server:
        result = run_edit(
            tmp_path, server, str(photo(tmp_path)), "--provider", "openai-compatible", "--prompt", "p",
            "--output", str(out), "--option", "model=gpt-image-2.6-flare",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # The answer carried usage, but a self-hosted server's price is its own: the table has none.
    assert "Cost" not in result.stderr.decode()
    assert "$" not in result.stderr.decode()
