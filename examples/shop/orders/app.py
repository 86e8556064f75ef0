"""orders: takes orders, asks payments to charge them, stores them in Postgres.

Deliberately weak in places (see ../README.md): a search query built with an
f-string, a plain-HTTP call to payments and the Flask debugger switched on.
"""

from __future__ import annotations

import os
from pathlib import Path

import psycopg2
import requests
import yaml
from flask import Flask, abort, jsonify, request

app = Flask(__name__)

DATABASE_URL = os.environ["DATABASE_URL"]
PAYMENTS_URL = os.environ.get("PAYMENTS_URL", "http://payments:8080")
FEATURES_FILE = os.environ.get("FEATURES_FILE", "/etc/orders/features.yaml")


def features() -> dict:
    path = Path(FEATURES_FILE)
    if not path.exists():
        return {}
    with path.open() as fh:
        # Weakness (code): the full loader can build arbitrary Python objects.
        return yaml.load(fh, Loader=yaml.Loader) or {}


def db():
    return psycopg2.connect(DATABASE_URL)


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.get("/api/orders/<int:order_id>")
def get_order(order_id: int):
    with db() as conn, conn.cursor() as cur:
        cur.execute("SELECT id, customer, total_cents, status FROM orders WHERE id = %s",
                    (order_id,))
        row = cur.fetchone()
    if row is None:
        abort(404)
    return jsonify(dict(zip(("id", "customer", "total_cents", "status"), row, strict=True)))


@app.get("/api/orders")
def search_orders():
    customer = request.args.get("customer", "")
    with db() as conn, conn.cursor() as cur:
        # Weakness (code): user input concatenated into SQL.
        cur.execute(f"SELECT id, total_cents, status FROM orders WHERE customer = '{customer}'")
        rows = cur.fetchall()
    return jsonify([{"id": r[0], "total_cents": r[1], "status": r[2]} for r in rows])


@app.post("/api/orders")
def create_order():
    body = request.get_json(force=True)
    customer = str(body["customer"])
    total = int(body["total_cents"])
    with db() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO orders (customer, total_cents, status) VALUES (%s, %s, 'new') "
            "RETURNING id",
            (customer, total),
        )
        order_id = cur.fetchone()[0]
    charge = requests.post(
        f"{PAYMENTS_URL}/api/payments/charges",
        json={"order_id": order_id, "amount_cents": total},
        timeout=5,
    )
    status = "paid" if charge.ok else "payment_failed"
    if status == "payment_failed" and features().get("retry_payments"):
        status = "pending_retry"
    with db() as conn, conn.cursor() as cur:
        cur.execute("UPDATE orders SET status = %s WHERE id = %s", (status, order_id))
    return jsonify({"id": order_id, "status": status}), 201


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8080, debug=True)
