"""Project environment variables: where a connected store's credentials can be read back (§8)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request

from . import spec
from .access import Caller, emulator_state, get_caller
from .errors import not_found
from .responses import JSONResponse
from .shapes import env_body

router = APIRouter(tags=["projects"])


def _project(request: Request, caller: Caller, id_or_name: str) -> dict[str, Any]:
    state = emulator_state(request)
    project = state.project(caller.team_id, id_or_name) if caller.team_id else None
    if project is None:
        raise not_found(f"Project {id_or_name} was not found.")
    return project


def _page(envs: list[dict[str, Any]], size: int | None, until: float | None) -> dict[str, Any]:
    """One page of ``envs`` in the published ``{envs, pagination}`` shape.

    The cursor is the position of the page's first variable, handed out as ``pagination.next`` and
    taken back as ``until`` (Vercel's is a timestamp; a client must treat it as opaque).
    """
    start = int(until) if until is not None else 0
    if size is None:
        size = max(len(envs) - start, 0)
    page = envs[start : start + size]
    following = start + size if start + size < len(envs) else None
    previous = max(start - size, 0) if start > 0 else None
    return {"envs": page, "pagination": {"count": len(page), "next": following, "prev": previous}}


@router.get(
    "/v10/projects/{idOrName}/env",
    operation_id="filterProjectEnvs",
    summary="List a project's env vars (ciphertext unless decrypt=true; sensitive never readable; paged)",
    responses=spec.responses(200, spec.ENV_LIST, "Env vars"),
)
async def list_env(
    request: Request,
    idOrName: str = Path(..., description="Project id (prj_…) or name."),  # noqa: N803
    decrypt: Literal["true", "false"] = Query("false", description="Deprecated upstream; return plaintext values."),
    gitBranch: str | None = Query(None, description="Only preview variables of this branch (plus unbranched ones)."),  # noqa: N803
    customEnvironmentId: str | None = Query(None),  # noqa: N803
    customEnvironmentSlug: str | None = Query(None),  # noqa: N803
    source: str | None = Query(None, description="Free string naming the caller."),
    limit: int | None = Query(None, ge=1, le=100, description="Page size (else the emulator's env_page_size)."),
    until: float | None = Query(None, ge=0, description="The `pagination.next` of the previous page."),
    caller: Caller = Depends(get_caller),
) -> JSONResponse:
    """Return ``{envs, pagination}``; ``pagination.next`` is null on the last page."""
    state = emulator_state(request)
    custom = customEnvironmentId or customEnvironmentSlug
    with state.lock:
        project = _project(request, caller, idOrName)
        envs = []
        for env in state.project_env_vars(project["id"]):
            if gitBranch is not None and env.git_branch not in (None, gitBranch):
                continue
            if custom is not None and custom not in env.custom_environment_ids:
                continue
            envs.append(env_body(env, decrypt=decrypt == "true"))
        return JSONResponse(_page(envs, limit or state.env_page_size, until))


@router.get(
    "/v1/projects/{idOrName}/env/{id}",
    operation_id="getProjectEnv",
    summary="Get one env var, decrypted (sensitive ones come back empty with decrypted=false)",
    responses=spec.responses(200, spec.ENV, "The env var"),
)
async def get_env(
    request: Request,
    idOrName: str = Path(..., description="Project id (prj_…) or name."),  # noqa: N803
    id: str = Path(..., description="Env var id."),  # noqa: A002
    caller: Caller = Depends(get_caller),
) -> JSONResponse:
    """Return one env var with its plaintext value unless it is sensitive."""
    state = emulator_state(request)
    with state.lock:
        project = _project(request, caller, idOrName)
        env = state.env_vars.get(id)
        if env is None or env.project_id != project["id"]:
            raise not_found(f"Environment variable {id} was not found in project {project['name']}.")
        return JSONResponse(env_body(env, decrypt=True))
