"""payments: records charges for orders. The hardened service of the shop:
parameterised SQL, validated input, credentials only from the environment."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

# e.g. postgresql://payments@postgres:5432/shop?sslmode=verify-full; the password
# comes from PGPASSWORD, mounted from a Secret, never from this file.
DATABASE_URL = os.environ["DATABASE_URL"]


class ChargeIn(BaseModel):
    order_id: int = Field(gt=0)
    amount_cents: int = Field(gt=0, le=10_000_000)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")


class ChargeOut(BaseModel):
    id: int
    order_id: int
    amount_cents: int
    currency: str
    status: str


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with await psycopg.AsyncConnection.connect(DATABASE_URL) as conn:
        app.state.db = conn
        yield


app = FastAPI(title="payments", lifespan=lifespan, docs_url=None, redoc_url=None)


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/api/payments/charges", status_code=201)
async def create_charge(charge: ChargeIn) -> ChargeOut:
    async with app.state.db.cursor() as cur:
        await cur.execute(
            "INSERT INTO charges (order_id, amount_cents, currency, status) "
            "VALUES (%s, %s, %s, 'captured') RETURNING id",
            (charge.order_id, charge.amount_cents, charge.currency),
        )
        row = await cur.fetchone()
    await app.state.db.commit()
    if row is None:
        raise HTTPException(status_code=500, detail="charge not recorded")
    return ChargeOut(id=row[0], status="captured", **charge.model_dump())


@app.get("/api/payments/charges/{charge_id}")
async def get_charge(charge_id: int) -> ChargeOut:
    async with app.state.db.cursor() as cur:
        await cur.execute(
            "SELECT id, order_id, amount_cents, currency, status FROM charges WHERE id = %s",
            (charge_id,),
        )
        row = await cur.fetchone()
    if row is None:
        raise HTTPException(status_code=404, detail="no such charge")
    return ChargeOut(
        id=row[0], order_id=row[1], amount_cents=row[2], currency=row[3], status=row[4]
    )
