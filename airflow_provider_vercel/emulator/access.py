"""Who is calling and for which team: bearer token and ``teamId``/``slug`` resolution."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .errors import ApiError
from .state import EmulatorState, Principal

# Declared for the OpenAPI document only; the header is checked by hand so failures use Vercel's body.
bearer_scheme = HTTPBearer(auto_error=False, description="Vercel access token")

ADMIN_REQUIRED = "You must be an admin of the integration configuration to perform this action."


@dataclass(frozen=True)
class Caller:
    """An authenticated request's identity and scope.

    principal: the token's owner.
    team: the team named by ``teamId``/``slug``; None for the personal account.
    """

    principal: Principal
    team: dict[str, Any] | None

    @property
    def team_id(self) -> str | None:
        """The scoped team's id, or None for the personal account."""
        return None if self.team is None else self.team["id"]

    def require_admin(self, key: str = "error") -> None:
        """Refuse non-admin tokens with 403.

        key: error body key (``err`` on endpoints that use it).
        """
        if not self.principal.is_admin:
            raise ApiError(403, ADMIN_REQUIRED, "forbidden", key=key)


def emulator_state(request: Request) -> EmulatorState:
    """Return the state the app was created with.

    request: the current request.
    """
    state = request.app.state.emulator_state
    if not isinstance(state, EmulatorState):  # Starlette's app.state holds untyped attributes
        raise RuntimeError("the app was not built by create_app: no emulator state")
    return state


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


async def get_caller(
    request: Request,
    teamId: str | None = Query(None, description="Team to act for (team_…)."),  # noqa: N803 - wire name
    slug: str | None = Query(None, description="Team slug, an alternative to teamId."),
    _credentials: HTTPAuthorizationCredentials | None = Security(bearer_scheme),
) -> Caller:
    """Authenticate the request and resolve its team scope.

    request: the current request.
    teamId: team id from the query.
    slug: team slug from the query.
    _credentials: unused; declares bearer security in the OpenAPI document.
    """
    state = emulator_state(request)
    token = _bearer_token(request)
    principal = state.principal(token) if token else None
    if principal is None:
        message = "Missing bearer token." if token is None else "The bearer token is not valid."
        raise ApiError(401, message, "unauthorized", extra={"invalidToken": token is not None})
    team_id = teamId or None
    team_slug = slug or None
    if team_id is None and team_slug is None:
        return Caller(principal, None)
    team = state.team(team_id=team_id, slug=team_slug)
    if team is None or team["id"] != principal.team_id:
        raise ApiError(403, "Not authorized: you do not have access to this team.", "forbidden")
    return Caller(principal, team)
