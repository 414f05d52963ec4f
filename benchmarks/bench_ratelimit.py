"""4. Rate-limit efficiency: how long our client waits after 429s against what the server asked for,
and how many requests it sends beyond what its policy needs.

Everything is observed on the wire, not taken from the client's own account: the client gets a
transport that wraps httpx's and records (a) when each request's headers actually go out (httpcore's
``trace`` extension, so time spent queued for a pooled connection is not counted as sent) and (b) when
each 429 arrives and what its ``Retry-After`` says (seconds, or an HTTP date turned into seconds from
the moment it arrived). From those:

- waited / asked: time from each 429 to the next request, summed, over the waits the server asked for;
- sent into a known pause: requests that left more than 10 ms after a 429 had arrived whose
  Retry-After had not run out (the policy should have held them; 10 ms spares those already at the
  door); plus, for one-shot faults, any request beyond the n + 1 needed.

Cases (emulator in its own process): (a) ``faults.rate_limit(n=3, retry_after=1)`` on one sync call;
(b) the same with ``Retry-After`` as an HTTP date 2 s ahead; (c) ``faults.rate_limit_window(10 per
1 s)`` and a burst of 40 concurrent calls through one ``AsyncVercelClient`` (10 pooled connections,
its 429 pause gate shared by all calls), against the floor the window allows ((40/10 - 1) x 1 s)
and side by side with a naive async httpx client that retries each request on its own Retry-After.
"""

from __future__ import annotations

import asyncio
import math
import sys
import time
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

PATH = "/v1/integrations/configurations"
SENT = "http11.send_request_headers.started"
# A request leaving within this long after a 429 arrived was already at the door (one event-loop turn);
# only later ones count as "sent into a known pause".
GRACE = 0.010


class Wire:
    """Send times and 429 answers, as seen at the transport."""

    def __init__(self) -> None:
        self.sends: list[float] = []
        self.answers: list[tuple[float, int, float | None]] = []  # (arrived, status, asked seconds)

    def trace(self, name: str, info: dict) -> None:
        if name == SENT:
            self.sends.append(time.time())

    async def atrace(self, name: str, info: dict) -> None:
        self.trace(name, info)

    def answer(self, status: int, retry_after: str | None) -> None:
        now = time.time()
        asked = None
        if status == 429 and retry_after:
            try:
                asked = max(0.0, float(retry_after))
            except ValueError:
                when = parsedate_to_datetime(retry_after)
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
                asked = max(0.0, when.timestamp() - now)
        self.answers.append((now, status, asked))

    def pauses(self) -> list[tuple[float, float]]:
        return [(t, t + a) for t, s, a in self.answers if s == 429 and a is not None]

    def sent_into_pause(self) -> int:
        pauses = self.pauses()
        return sum(1 for s in self.sends if any(start + GRACE < s < end for start, end in pauses))

    def into_pause_kinds(self) -> tuple[int, int]:
        """Split the requests sent into a known pause: (left early in a pause, left near its end).

        Early ones had passed the pause check before the 429 came back (e.g. queued for a pooled
        connection); near-the-end ones slept for a pause that another 429 extended meanwhile.
        """
        early = late = 0
        pauses = self.pauses()
        for s in self.sends:
            containing = [(a, b) for a, b in pauses if a + GRACE < s < b]
            if not containing:
                continue
            a, b = max(containing, key=lambda p: p[1])
            if b - s < 0.25 * (b - a):
                late += 1
            else:
                early += 1
        return early, late

    def waited_and_asked(self) -> tuple[float, float]:
        """For a sequential call: sum of (next send - 429 arrival) and sum of asked waits."""
        waited = asked = 0.0
        for t, status, a in self.answers:
            if status != 429:
                continue
            later = [s for s in self.sends if s > t]
            if later and a is not None:
                waited += later[0] - t
                asked += a
        return waited, asked


def sync_transport(wire: Wire):
    import httpx

    class Recording(httpx.BaseTransport):
        def __init__(self) -> None:
            self.inner = httpx.HTTPTransport()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            own = request.extensions.get("trace")  # the client's own hook (its last pause check): keep it

            def trace(name: str, info: dict) -> None:
                if own is not None:
                    own(name, info)
                wire.trace(name, info)  # after the client's hook returns: that is when the headers leave

            request.extensions["trace"] = trace
            response = self.inner.handle_request(request)
            wire.answer(response.status_code, response.headers.get("retry-after"))
            return response

        def close(self) -> None:
            self.inner.close()

    return Recording()


def async_transport(wire: Wire, connections: int):
    import httpx

    class Recording(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            # A custom transport replaces httpx's default one, limits included: give it the client's.
            limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
            self.inner = httpx.AsyncHTTPTransport(limits=limits)

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            own = request.extensions.get("trace")  # see sync_transport

            async def trace(name: str, info: dict) -> None:
                if own is not None:
                    await own(name, info)
                await wire.atrace(name, info)

            request.extensions["trace"] = trace
            response = await self.inner.handle_async_request(request)
            wire.answer(response.status_code, response.headers.get("retry-after"))
            return response

        async def aclose(self) -> None:
            await self.inner.aclose()

    return Recording()


def one_shot_case(emu: c.Emulator, label: str, retry_after, n: int, result: c.Result) -> None:
    from airflow_provider_vercel.api.client import VercelClient

    emu.reset()
    emu.add_faults({"kind": "rate_limit", "n": n, "retry_after": retry_after, "path": PATH})
    wire = Wire()
    with VercelClient(emu.token, base_url=emu.url, team_id=emu.team_id, transport=sync_transport(wire)) as client:
        t0 = time.perf_counter()
        client.list_configurations()
        elapsed = time.perf_counter() - t0
    waited, asked = wire.waited_and_asked()
    sent = len(wire.sends)
    excess = (sent - (n + 1)) + wire.sent_into_pause()
    result.rows.append(
        c.ratio_row(f"ratelimit: {label}: waited / asked", waited, asked, " s", "<=", 1.10, fmt="{:.3f}")
    )
    result.rows.append(
        c.Row(
            f"ratelimit: {label}: requests beyond policy",
            f"{max(0, excess)} ({sent} sent)",
            f"{n + 1} needed",
            None,
            "0",
            excess <= 0,
        )
    )
    result.details.append(
        f"{label}: call took {elapsed:.3f} s; waits after each 429: "
        + ", ".join(
            f"{(min(s for s in wire.sends if s > t) - t):.3f}s (asked {a:.3f}s)"
            for t, st, a in wire.answers
            if st == 429 and a is not None
        )
    )
    result.data[label] = {"waited": waited, "asked": asked, "sent": sent, "elapsed": elapsed}


async def _ours_burst(emu: c.Emulator, n: int, connections: int, wire: Wire) -> float:
    from airflow_provider_vercel.api.client import AsyncVercelClient

    client = AsyncVercelClient(
        emu.token,
        base_url=emu.url,
        team_id=emu.team_id,
        max_connections=connections,
        transport=async_transport(wire, connections),
    )
    async with client:
        t0 = time.perf_counter()
        answers = await asyncio.gather(*[client.list_configurations() for _ in range(n)])
        wall = time.perf_counter() - t0
    assert all(answers)
    return wall


async def _naive_burst(emu: c.Emulator, n: int, connections: int, wire: Wire) -> float:
    """Baseline: each request retries alone, sleeping its own Retry-After (what a careful script does)."""
    import httpx

    async with httpx.AsyncClient(
        base_url=emu.url, headers={"Authorization": f"Bearer {emu.token}"}, transport=async_transport(wire, connections)
    ) as client:

        async def one() -> None:
            for _ in range(10):
                response = await client.get(PATH, params={"view": "account", "teamId": emu.team_id})
                if response.status_code != 429:
                    response.raise_for_status()
                    return
                await asyncio.sleep(float(response.headers.get("retry-after", "1")))
            raise RuntimeError("still rate limited")

        t0 = time.perf_counter()
        await asyncio.gather(*[one() for _ in range(n)])
        return time.perf_counter() - t0


def window_case(emu: c.Emulator, result: c.Result, n: int = 40, budget: int = 10, connections: int = 10) -> None:
    floor = (math.ceil(n / budget) - 1) * 1.0
    runs = {}
    for name, burst in (("ours", _ours_burst), ("naive", _naive_burst)):
        emu.reset()
        emu.add_faults({"kind": "rate_limit_window", "max_requests": budget, "per_seconds": 1.0})
        wire = Wire()
        wall = asyncio.run(burst(emu, n, connections, wire))
        statuses = [s for _, s, _ in wire.answers]
        early, late = wire.into_pause_kinds()
        runs[name] = {
            "wall": wall,
            "sent": len(wire.sends),
            "429": statuses.count(429),
            "into_pause": wire.sent_into_pause(),
            "early": early,
            "late": late,
        }
    ours, naive = runs["ours"], runs["naive"]
    label = f"window {budget}/s, {n} concurrent"
    result.rows.append(
        c.ratio_row(f"ratelimit: {label}: wall / window floor", ours["wall"], floor, " s", "<=", 1.10, fmt="{:.2f}")
    )
    result.rows.append(
        c.Row(
            f"ratelimit: {label}: sent into a known pause",
            f"{ours['into_pause']} ({ours['sent']} sent, {ours['429']} x 429)",
            f"naive {naive['into_pause']} ({naive['sent']} sent, {naive['429']} x 429)",
            None,
            "0",
            ours["into_pause"] == 0,
        )
    )
    result.details.append(
        f"{label}, {connections} pooled connections: floor {floor:.1f} s; ours {ours['wall']:.2f} s, "
        f"{ours['sent']} requests for {n} calls; naive per-request retry {naive['wall']:.2f} s, "
        f"{naive['sent']} requests"
    )
    result.details.append(
        f"ours, requests sent into a known pause: {ours['early']} early in the pause (already past the pause "
        f"check, waiting for one of the {connections} pooled connections, when the 429 arrived) and "
        f"{ours['late']} shortly before its end (slept for a pause another 429 extended meanwhile; not re-checked)"
    )
    result.data["window"] = runs


def body(args, result: c.Result) -> None:
    import logging

    c.quiet_airflow_logs()
    logging.getLogger("airflow_provider_vercel").setLevel(logging.ERROR)  # one warning per retry otherwise
    with c.Emulator() as emu:
        one_shot_case(emu, "429x3 Retry-After 1s", 1, 3, result)
        one_shot_case(emu, "429x3 Retry-After HTTP date +2s", "http-date:2", 3, result)
        window_case(emu, result)
    result.details.append(
        "waited = from each 429's arrival to the next request's headers on the wire; asked = Retry-After "
        "(an HTTP date counts from the 429's arrival; it has 1 s resolution, so it asks for 1-2 s)"
    )


if __name__ == "__main__":
    c.bench_main("ratelimit", "4. Rate-limit efficiency (429 + Retry-After)", body)
