"""Size limits of the emulator as a server that users run (stdlib only: the command line imports it)."""

from __future__ import annotations

#: Largest request body accepted, in bytes; the client's largest real body is a few KiB.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
