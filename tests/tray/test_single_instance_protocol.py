"""The hand-off protocol as data: any bytes are either a valid request or a ProtocolError."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tray.handoff import MAX_LINE_BYTES, HandOff, ProtocolError, parse_reply, parse_request, reply_line

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)
requests = st.builds(
    HandOff,
    action=st.sampled_from(["capture", "activate"]),
    preset=st.none() | st.text(min_size=1, max_size=200),
    from_clipboard=st.booleans(),
).map(lambda r: r if r.action == "capture" else HandOff("activate"))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=6000) | json_values.map(lambda value: json.dumps(value).encode()))
def test_any_input_is_a_request_or_a_protocol_error(line: bytes) -> None:
    outcome: HandOff | ProtocolError
    try:
        outcome = parse_request(line)
    except ProtocolError as error:
        outcome = error
    if isinstance(outcome, HandOff):
        assert parse_request(outcome.to_line().rstrip(b"\n")) == outcome
    else:
        assert str(outcome)


@settings(max_examples=200, deadline=None)
@given(requests)
def test_every_valid_request_survives_the_round_trip(request: HandOff) -> None:
    line = request.to_line()

    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    assert len(line) <= MAX_LINE_BYTES
    assert parse_request(line.rstrip(b"\n")) == request


def test_replies_say_accepted_or_the_reason() -> None:
    assert parse_reply(reply_line().rstrip()) is None
    assert parse_reply(reply_line("refused: no").rstrip()) == "refused: no"
    with pytest.raises(ProtocolError):
        parse_reply(b"<html>")
    with pytest.raises(ProtocolError):
        parse_reply(b'{"ok": "yes"}')
