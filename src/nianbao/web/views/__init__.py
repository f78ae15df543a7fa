"""What each page shows, one module per view; `nianbao.web.service` re-exports them for the API.

Views read the store through query functions (`nianbao.store.review`, the `Store` facade), never
through ORM tables, and hand the templates plain values already in the reviewer's words.
"""
