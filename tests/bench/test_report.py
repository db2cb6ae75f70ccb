"""The table judges issue 14's targets from the figures it is given: synthetic rounds, no display."""

from __future__ import annotations

from bench import report
from bench.session import Results
from bench.stats import Series
from bench.targets import Target, verdict


def _row(text: str, label: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"| {label}"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def _round(overlay: float, peer: float, rss_before: float, rss_after: float, ticks: float) -> Results:
    return {
        ("overlay_1080", "ours"): Series(values=[overlay, overlay + 2, overlay - 2]),
        ("overlay_1080", "flameshot"): Series(values=[peer]),
        ("overlay_first_1080", "ours"): Series(values=[overlay * 1.2]),
        ("rss_before_jobs", "ours"): Series("MB", [rss_before]),
        ("rss_jobs", "ours"): Series("MB", [rss_after]),
        ("cpu_idle", "ours"): Series("ticks", [ticks]),
        ("job_1024", "ours"): Series(values=[59.9]),
    }


def test_targets_are_met_only_when_every_round_meets_them_and_each_round_is_shown() -> None:
    # GIVEN two rounds: the overlay is 0.3x Flameshot in one and 0.5x in the other; jobs grow RSS
    # by 4 and 12 MB; idle ticks are 0 in both; the job takes 59.9 ms in both
    rounds = [_round(30, 100, 40, 44, 0), _round(50, 100, 40, 52, 0)]
    text = report.table(rounds)
    overlay = _row(text, "Hotkey -> overlay painted, 1920x1080")
    # THEN each row shows the peer, the ratio over all samples, each round's median and the spread
    assert overlay[1] == "40.0 (28.0-52.0)"
    assert overlay[2] == "100.0 (100.0-100.0)"
    assert overlay[4] == "0.40x"
    assert overlay[5] == "30.0 / 50.0"
    assert overlay[6] == "50%"
    assert overlay[7] == "<= 0.4x Flameshot"
    # AND a target met in one round only is neither met nor missed
    assert overlay[8] == "split (0.30x / 0.50x)"
    assert _row(text, "&nbsp;&nbsp;first hotkey after start")[8] == "met (1.20x / 1.20x)"
    assert _row(text, "RSS after the jobs")[8] == "split (+4.0 MB / +12.0 MB)"
    assert _row(text, "CPU ticks while idle")[8] == "met (0 ticks / 0 ticks)"
    assert _row(text, "Job 1024x1024")[8] == "met (59.9 ms / 59.9 ms)"
    # AND rows nobody measured are left out
    assert "Copy 800x600" not in text


def test_a_target_missed_in_every_round_says_missed_and_one_without_a_peer_is_not_measured() -> None:
    slow = [_round(80, 100, 40, 60, 3), _round(90, 100, 40, 61, 1)]
    text = report.table(slow)
    assert _row(text, "Hotkey -> overlay painted, 1920x1080")[8] == "MISSED (0.80x / 0.90x)"
    assert _row(text, "RSS after the jobs")[8] == "MISSED (+20.0 MB / +21.0 MB)"
    assert _row(text, "CPU ticks while idle")[8] == "MISSED (3 ticks / 1 ticks)"
    no_peer: Results = {("copy_800", "ours"): Series(values=[12.0])}
    assert verdict(Target("peer", 0.5), "copy_800", [no_peer], "ms") == "not measured"


def test_limits_are_strict_where_the_issue_says_below() -> None:
    below, at_most = Target("below", 60), Target("at_most", 0)
    assert not below.holds(60.0)
    assert below.holds(59.9)
    assert at_most.holds(0.0)
    assert not at_most.holds(1.0)
    assert Target("over", 10, "rss_before_jobs").text("MB") == "grows < 10 MB"


def test_every_issue_14_target_has_a_row() -> None:
    targets = {row.key: row.target for row in report.ROWS if row.target is not None}
    assert targets == {
        "overlay_1080": Target("peer", 0.4),
        "overlay_4k": Target("peer", 0.4),
        "overlay_first_1080": Target("of", 1.5, "overlay_1080"),
        "overlay_first_4k": Target("of", 1.5, "overlay_4k"),
        "copy_800": Target("peer", 0.5),
        "job_1024": Target("below", 60),
        "start_tray": Target("below", 400),
        "start_sni": Target("below", 400),
        "rss_idle": Target("below", 50),
        "rss_idle_sni": Target("below", 50),
        "rss_4k": Target("below", 60),
        "rss_4k_sni": Target("below", 60),
        "rss_jobs": Target("over", 10, "rss_before_jobs"),
        "rss_jobs_sni": Target("over", 10, "rss_before_jobs_sni"),
        "cpu_idle": Target("at_most", 0),
    }
