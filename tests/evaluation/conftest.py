from nianbao.store.testing import db_url, pg_server  # noqa: F401
