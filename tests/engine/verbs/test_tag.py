"""`<Tag>`: sets the tag of later webhooks; empty clears it."""

from __future__ import annotations

from bandwidth.models.bxml import Redirect, Tag

from ringback.engine.sim import Routes, Simulation

from ..documents import response


def test_tag_sets_then_clears() -> None:
    """`<Tag>a</Tag>` tags the redirect; `<Tag/>` removes the key from the disconnect."""
    sim = Simulation(
        Routes(
            {
                "/answer": response(Tag("  first  "), Redirect("/next")),
                "/next": response(Tag("")),
            }
        )
    )
    sim.place_call("http://app.test/answer", disconnect_url="http://app.test/d", tag="start")
    sim.run()
    assert [w.payload.get("tag") for w in sim.webhooks] == ["start", "first", None]
    assert "tag" not in sim.webhooks[-1].payload
