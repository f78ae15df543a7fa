"""Getting reports from where they are published: government sites.

One concept a module:
- `policy`: what the HTTP client may do (timeouts, size cap, redirects, retries, rate, private addresses)
- `addresses`: refusing private, loopback and other non-public addresses
- `robots`: robots.txt, fetched once per host
- `ratelimit`: per-host concurrency and spacing between requests
- `sniff`: what the bytes are (PDF, DOCX, OLE Word/WPS/Excel, HTML …), whatever the server says
- `client`: the asynchronous fetcher (httpx) applying all of the above, with conditional re-fetch
- `dates`: the publication date a page shows (meta tags, 发布时间： lines)
- `pages`: a fetched HTML page → its links, attachments, pagination and publication date
- `matching`: is this link title year Y's annual report of this unit?
- `listing`: walking a column's list pages to the report
- `warc`: every page fetched kept as WARC evidence
- `state`: a watch's resumable, incremental state (HTTP validators, per-unit results)
- `sites`: reading SITES.csv
- `status`: 按时发布 / 逾期 N 天 / 未找到 / 站点无法访问
- `ingest`: fetched bytes → a parsed report in the store, with the URL and the site's date
- `fetch` and `watch`: the two commands' engines
"""
