// catalog: product listing, cached in Redis. Reached through the gateway at
// /api/catalog (and, deliberately, straight from the Ingress: see ../README.md).
"use strict";

const express = require("express");
const _ = require("lodash");
const { createClient } = require("redis");

const PORT = Number(process.env.PORT || 3000);
const REDIS_URL = process.env.REDIS_URL || "redis://redis:6379";

const products = [
  { sku: "mug-001", name: "Mug", priceCents: 1200, tags: ["kitchen"] },
  { sku: "tee-002", name: "T-shirt", priceCents: 2500, tags: ["apparel"] },
  { sku: "cap-003", name: "Cap", priceCents: 1800, tags: ["apparel"] },
];

async function main() {
  const cache = createClient({ url: REDIS_URL });
  cache.on("error", (err) => console.error("redis:", err.message));
  await cache.connect();

  const app = express();
  app.disable("x-powered-by");

  app.get("/healthz", (_req, res) => res.json({ status: "ok" }));

  app.get("/api/catalog/products", async (req, res) => {
    const tag = typeof req.query.tag === "string" ? req.query.tag : "";
    const key = `products:${tag}`;
    const cached = await cache.get(key);
    if (cached) {
      return res.type("application/json").send(cached);
    }
    const list = tag ? _.filter(products, (p) => p.tags.includes(tag)) : products;
    const body = JSON.stringify(_.sortBy(list, "priceCents"));
    await cache.set(key, body, { EX: 60 });
    return res.type("application/json").send(body);
  });

  app.get("/api/catalog/products/:sku", (req, res) => {
    const product = _.find(products, { sku: req.params.sku });
    return product ? res.json(product) : res.status(404).json({ error: "not found" });
  });

  app.listen(PORT, () => console.log(`catalog listening on ${PORT}`));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
