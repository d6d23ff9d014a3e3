"""The peer a team would otherwise write: the same prospect list endpoint in FastAPI.

Reads the same SQLite file as MimiCom, checks the same Bearer token (BLAKE2b-256 hash in
api_tokens), answers GET /api/v1/prospects with the same filters, sort, page and meta.total.
Run: /usr/bin/python3 -m uvicorn fastapi_prospects:app --app-dir bench/peers (MIMICOM_DB=…).
"""
import hashlib
import json
import os
import sqlite3
import threading
from datetime import datetime, timezone

from fastapi import FastAPI, Header, HTTPException, Query

DB = os.environ["MIMICOM_DB"]
COLUMNS = ("id, first_name, last_name, email, phone, company, job_title, sector, city, postal_code, region, "
           "country, company_size, employees, annual_revenue, source, status, owner, notes, custom_fields, "
           "opted_out, created_at, updated_at, last_contact_at")
SORTABLE = {"id", "first_name", "last_name", "email", "company", "job_title", "sector", "city", "postal_code",
            "region", "company_size", "employees", "annual_revenue", "source", "status", "owner", "created_at",
            "updated_at", "last_contact_at"}
FILTERS = ("status", "sector", "region", "city", "company_size", "owner", "source")

app = FastAPI()
_local = threading.local()


def db():
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(DB, check_same_thread=False)
        conn.execute("PRAGMA query_only = 1")
        _local.conn = conn
    return conn


def iso(t):
    return None if t is None else datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def authenticate(authorization):
    if not authorization or not authorization.startswith("Bearer "):
        raise HTTPException(401)
    h = hashlib.blake2b(authorization[7:].encode(), digest_size=32).hexdigest()
    row = db().execute("SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id "
                       "WHERE t.token_hash = ? AND t.revoked = 0 AND u.disabled = 0", (h,)).fetchone()
    if row is None:
        raise HTTPException(401)


@app.get("/api/v1/prospects")
def list_prospects(page: int = Query(1, ge=1), per_page: int = Query(50, ge=1, le=500), sort: str = "-created_at",
                   status: str = None, sector: str = None, region: str = None, city: str = None,
                   company_size: str = None, owner: str = None, source: str = None,
                   authorization: str = Header(None)):
    authenticate(authorization)
    desc = sort.startswith("-")
    field = sort.lstrip("-")
    if field not in SORTABLE:
        raise HTTPException(422)
    where, args = [], []
    values = dict(status=status, sector=sector, region=region, city=city, company_size=company_size, owner=owner,
                  source=source)
    for name in FILTERS:
        if values[name]:
            vs = [v.strip() for v in values[name].split(",") if v.strip()]
            where.append(f"{name} IN ({','.join('?' * len(vs))})")
            args += vs
    w = (" WHERE " + " AND ".join(where)) if where else ""
    d = " DESC" if desc else ""
    conn = db()
    rows = conn.execute(f"SELECT {COLUMNS} FROM prospects{w} ORDER BY {field}{d}, id{d} LIMIT ? OFFSET ?",
                        args + [per_page, (page - 1) * per_page]).fetchall()
    total = conn.execute(f"SELECT count(*) FROM prospects{w}", args).fetchone()[0]
    ids = [r[0] for r in rows]
    tags = {}
    if ids:
        for pid, tag in conn.execute(f"SELECT prospect_id, tag FROM prospect_tags WHERE prospect_id IN "
                                     f"({','.join('?' * len(ids))}) ORDER BY prospect_id, tag", ids):
            tags.setdefault(pid, []).append(tag)
    names = [c.strip() for c in COLUMNS.split(",")]
    items = []
    for r in rows:
        p = dict(zip(names, r))
        p["custom_fields"] = json.loads(p["custom_fields"])
        p["opted_out"] = bool(p["opted_out"])
        for t in ("created_at", "updated_at", "last_contact_at"):
            p[t] = iso(p[t])
        p["tags"] = tags.get(p["id"], [])
        items.append(p)
    return {"data": items, "meta": {"total": total, "page": page, "per_page": per_page}}
