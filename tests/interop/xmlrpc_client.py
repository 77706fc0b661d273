#!/usr/bin/env python3
"""xmlrpc_client written with Python's standard xmlrpc.client: an
independent client the xmlrpc_client grader must accept."""
import os
import xmlrpc.client

server = xmlrpc.client.ServerProxy(os.environ["NETLINGS_URL"])

items = []
for item in os.environ["NETLINGS_ITEMS"].split(";"):
    name, qty, price = item.split(":")
    items.append({"name": name, "qty": int(qty), "price": float(price)})
summary = server.inventory.total(items)
print(f"count={summary['count']} total={summary['total']:.2f}")

name, label, when, urgent = os.environ["NETLINGS_TAG"].split(";")
tag = server.inventory.tag(
    name,
    xmlrpc.client.Binary(label.encode("utf-8")),
    xmlrpc.client.DateTime(when),
    urgent == "true",
)
print(f"tag={tag}")

try:
    server.inventory.get(os.environ["NETLINGS_MISSING"])
except xmlrpc.client.Fault as fault:
    print(f"fault {fault.faultCode}: {fault.faultString}")
