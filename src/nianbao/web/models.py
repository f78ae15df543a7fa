"""Roles and job states of the web app. Its tables live in `nianbao.store.schema` with the others
(created by the store's migrations), and are reached through `nianbao.store.accounts` / `.jobs`."""

from __future__ import annotations

ROLES = ("admin", "reviewer", "writer")
ROLE_ZH = {"admin": "管理员", "reviewer": "审核人员", "writer": "填报人员"}
JOB_STATES = ("queued", "running", "done", "failed")
