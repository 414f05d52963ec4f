"""Every page of a project's env var listing, as a step generator both clients drive.

``GET /v10/projects/{idOrName}/env`` pages its answer (``pagination.next``); a store's variables can
sit on any page of a project with many, so the listing is read until ``next`` is null.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from airflow_provider_vercel.api import calls
from airflow_provider_vercel.api.errors import VercelResponseError
from airflow_provider_vercel.api.models import EnvVar

# A server that keeps answering "more" must not hold a task forever.
MAX_PAGES = 1000


def env_pages_flow(
    project: str, decrypt: bool = False, git_branch: str | None = None
) -> Generator[calls.ApiCall[Any], Any, list[EnvVar]]:
    """All of a project's env vars, page after page.

    :param project: project id or name.
    :param decrypt: ask for decrypted values.
    :param git_branch: only preview variables of this branch.
    :raises VercelResponseError: a cursor repeats, or more than ``MAX_PAGES`` pages.
    """
    envs: list[EnvVar] = []
    cursor: int | float | None = None
    seen: set[int | float] = set()
    for _ in range(MAX_PAGES):
        page: calls.EnvPage = yield calls.list_project_env(project, decrypt, git_branch, until=cursor)
        envs.extend(page.envs)
        if page.next_cursor is None:
            return envs
        if page.next_cursor in seen:
            raise VercelResponseError("GET", f"/v10/projects/{project}/env", "pagination.next repeats a page")
        seen.add(page.next_cursor)
        cursor = page.next_cursor
    raise VercelResponseError("GET", f"/v10/projects/{project}/env", f"more than {MAX_PAGES} pages")
