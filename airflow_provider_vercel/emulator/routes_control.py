"""Control endpoints under ``/_emulator/``: faults, settings, store status rules and creation times, request log, reset.

They let another process (an Airflow worker, a benchmark) drive the emulator. They are left out of the
OpenAPI document (a fuzzer must not reset the state it is exploring) and out of the request log.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from .bodies import json_object_body, parse_json
from .errors import bad_request
from .faults import Faults
from .requestlog import RequestLog
from .responses import JSONResponse
from .state import STORE_STATUSES, EmulatorState

router = APIRouter(prefix="/_emulator", include_in_schema=False)


def _parts(request: Request) -> tuple[EmulatorState, Faults, RequestLog]:
    app_state = request.app.state
    return app_state.emulator_state, app_state.emulator_faults, app_state.emulator_log


def _settings(state: EmulatorState, faults: Faults) -> dict[str, Any]:
    return {
        "ready_delay": state.ready_delay,
        "reject_duplicate_names": state.reject_duplicate_names,
        "env_page_size": state.env_page_size,
        "latency_seconds": faults.latency_seconds,
        "listing_lag_seconds": faults.listing_lag_seconds,
    }


@router.get("/health")
async def health() -> JSONResponse:
    """Answer ``{"ok": true}`` once the server is up."""
    return JSONResponse({"ok": True})


@router.get("/info")
async def info(request: Request) -> JSONResponse:
    """Return the seed's tokens, team and configuration ids, for callers without Python access."""
    state, _, _ = _parts(request)
    with state.lock:
        team = state.default_team() or {}
        configurations = {
            state.integrations[c["integrationId"]]["slug"]: c["id"]
            for c in state.team_configurations(team.get("id", ""))
        }
        tokens = {p.alias: p.token for p in state.principals.values() if p.alias}
        projects = {p["name"]: p["id"] for p in state.projects.values() if p.get("teamId") == team.get("id")}
    return JSONResponse(
        {
            "team_id": team.get("id"),
            "team_slug": team.get("slug"),
            "tokens": tokens,
            "configurations": configurations,
            "projects": projects,
        }
    )


@router.post("/reset")
async def reset(request: Request) -> JSONResponse:
    """Reset state, faults and the request log."""
    state, faults, log = _parts(request)
    state.reset()
    faults.clear()
    log.clear()
    return JSONResponse({"ok": True})


@router.get("/faults")
async def list_faults(request: Request) -> JSONResponse:
    """Return active faults, the rate-limit window and the latency."""
    _, faults, _ = _parts(request)
    return JSONResponse(faults.describe())


@router.post("/faults")
async def add_faults(request: Request) -> JSONResponse:
    """Register one fault spec or a list of them (see ``Faults.add``)."""
    _, faults, _ = _parts(request)
    raw = await request.body()
    try:
        specs = parse_json(raw)
    except ValueError:
        raise bad_request("The body must be a fault spec object or an array of them.") from None
    for spec in specs if isinstance(specs, list) else [specs]:
        try:
            faults.add(spec)
        except ValueError as exc:
            raise bad_request(str(exc)) from None
    return JSONResponse(faults.describe())


@router.delete("/faults")
async def clear_faults(request: Request) -> JSONResponse:
    """Remove every fault, the rate-limit window and the latency."""
    _, faults, _ = _parts(request)
    faults.clear()
    return JSONResponse(faults.describe())


@router.get("/settings")
async def get_settings(request: Request) -> JSONResponse:
    """Return ``ready_delay``, ``reject_duplicate_names``, ``env_page_size``, ``latency_seconds`` and ``listing_lag_seconds``."""
    state, faults, _ = _parts(request)
    return JSONResponse(_settings(state, faults))


@router.post("/settings")
async def set_settings(request: Request) -> JSONResponse:
    """Change any of ``ready_delay``, ``reject_duplicate_names``, ``env_page_size``, ``latency_seconds``, ``listing_lag_seconds``."""
    state, faults, _ = _parts(request)
    body = await json_object_body(request)
    unknown = set(body) - {"ready_delay", "reject_duplicate_names", "env_page_size", "latency_seconds", "listing_lag_seconds"}
    if unknown:
        raise bad_request(f"Unknown settings: {', '.join(sorted(unknown))}.")
    delay = body.get("ready_delay", state.ready_delay)
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
        raise bad_request("ready_delay must be a non-negative number.")
    reject = body.get("reject_duplicate_names", state.reject_duplicate_names)
    if not isinstance(reject, bool):
        raise bad_request("reject_duplicate_names must be a boolean.")
    page_size = body.get("env_page_size", state.env_page_size)
    if page_size is not None and (isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1):
        raise bad_request("env_page_size must be a positive integer or null.")
    try:
        faults.latency_seconds = body.get("latency_seconds", faults.latency_seconds)
        faults.listing_lag_seconds = body.get("listing_lag_seconds", faults.listing_lag_seconds)
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    with state.lock:
        state.ready_delay = float(delay)
        state.reject_duplicate_names = reject
        state.env_page_size = page_size
    return JSONResponse(_settings(state, faults))


@router.post("/store-status")
async def set_store_status(request: Request) -> JSONResponse:
    """Body ``{"match": "<store id or name prefix>", "status": "error"}``: make those stores end so."""
    state, _, _ = _parts(request)
    body = await json_object_body(request)
    try:
        # A missing field reads as "", which the state refuses with the same message as any other bad value.
        state.set_final_status_for(body.get("match", ""), body.get("status", ""))
    except ValueError as exc:
        raise bad_request(f"{exc} (statuses: {', '.join(STORE_STATUSES)})") from None
    return JSONResponse({"ok": True})


@router.delete("/store-status")
async def clear_store_status(request: Request) -> JSONResponse:
    """Drop every store-status rule."""
    state, _, _ = _parts(request)
    state.clear_final_statuses()
    return JSONResponse({"ok": True})


@router.post("/store-created-at")
async def set_store_created_at(request: Request) -> JSONResponse:
    """Body ``{"store_id": "store_…", "created_at": <epoch ms> | null}``: change what the API shows as ``createdAt``."""
    state, _, _ = _parts(request)
    body = await json_object_body(request)
    store_id = body.get("store_id")
    if not isinstance(store_id, str):  # also keeps an unhashable JSON value away from the store lookup
        raise bad_request(f"no live store {store_id!r}")
    try:
        state.set_store_created_at(store_id, body.get("created_at"))
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return JSONResponse({"ok": True})


@router.get("/requests")
async def requests_log(request: Request) -> JSONResponse:
    """Return ``{"requests": [...], "total": n, "kept": size}``: the last ``size`` non-control requests.

    ``total`` counts every request since the last reset, also those that dropped out of the ring.
    """
    _, _, log = _parts(request)
    return JSONResponse({"requests": log.entries(), "total": log.total, "kept": log.size})


@router.delete("/requests")
async def clear_requests(request: Request) -> JSONResponse:
    """Empty the request log."""
    _, _, log = _parts(request)
    log.clear()
    return JSONResponse({"ok": True})
