"""Moved to `nianbao.cli._db`; this shim goes once no committed module imports it."""

from ..cli._db import DbOption, console, err_console, open_store  # noqa: F401
