import { describe, expect, it } from "vitest";
import { hostReferences } from "./references.js";

describe("hostReferences", () => {
  it.each([
    ["productcatalogservice:3550", undefined, [{ name: "productcatalogservice" }]],
    ["http://frontend:80/", undefined, [{ name: "frontend" }]],
    ["mongodb://user:secret@user-db:27017/data", undefined, [{ name: "user-db" }]],
    ["-Xmx128m -Dspring.zipkin.baseUrl=http://zipkin:9411/", undefined, [{ name: "zipkin" }]],
    ["cat_user:${PW}@tcp(catalogue-db:3306)/socksdb", undefined, [{ name: "catalogue-db" }]],
    ["a:1,b:2", undefined, [{ name: "a" }, { name: "b" }]],
    ["user-db.sock-shop.svc.cluster.local", undefined, [{ name: "user-db", namespace: "sock-shop" }]],
    ["zipkin.jaeger.svc", undefined, [{ name: "zipkin", namespace: "jaeger" }]],
    ["session-db", "REDIS_HOST", [{ name: "session-db" }]],
    ["redis", "CACHE_DRIVER", []],
    ["example.com", "API_URL", []],
    ["true", undefined, []],
    ["/run/secrets/db-password", "PASSWORD_FILE", []],
  ] as const)("%s (%s)", (value, variable, expected) => {
    expect(hostReferences(value, variable)).toEqual(expected);
  });
});
