#!/usr/bin/env python3
"""An independent gRPC client for `mcpo serve`, used by test/serve.

It speaks to the server with Python grpcio and stubs that grpc_tools.protoc
compiled from spec/ (see setup.sh): nothing of the server's own code is used.

  mcpo_client.py --target 127.0.0.1:50051 call ListMcpTemplates '{"page_size": 2}'
  mcpo_client.py --target 127.0.0.1:50051 call grpc.health.v1.Health/Check '{"service": ""}'
  mcpo_client.py --target 127.0.0.1:50051 lines   # JSON lines in: {"method", "request", "metadata"}
  mcpo_client.py --target 127.0.0.1:50051 streams 6   # open 6 health Watch streams on one channel (see streams())

Each call prints one JSON object:
  {"ok": true|false, "code": "OK"|"NOT_FOUND"|..., "details": "...",
   "metadata": {initial metadata}, "trailers": {trailing metadata},
   "response": {message as proto3 JSON with proto field names} | null}
A failed call also has "status_details": the google.rpc.Status of the
grpc-status-details-bin trailer, decoded by grpc_status.rpc_status.from_call
({"code", "message", "details": [{"type_url", "value"}]}, each value decoded
as proto3 JSON when its type is in spec/), or null when there is none.
"""
import argparse
import json
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "gen"))

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from grpc_status import rpc_status  # noqa: E402

import common_pb2  # noqa: E402

import service_pb2  # noqa: E402
import service_pb2_grpc  # noqa: E402

SERVICE = service_pb2.DESCRIPTOR.services_by_name["McpOrchestratorService"]
HEALTH_PREFIX = "grpc.health.v1.Health/"


def md_dict(md):
    out = {}
    for item in md or ():
        key, value = item[0], item[1]
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        out[key] = value
    return out


# Detail types this client can decode, by type URL.
DETAIL_TYPES = {
    "type.googleapis.com/" + common_pb2.Diagnostics.DESCRIPTOR.full_name: common_pb2.Diagnostics,
}


def status_details(error):
    """The google.rpc.Status of a failed call (from_call checks it agrees with grpc-status and
    grpc-message and raises ValueError when not), its known details decoded."""
    try:
        status = rpc_status.from_call(error)
    except ValueError as e:
        return {"error": str(e)}
    if status is None:
        return None
    details = []
    for any_ in status.details:
        kind = DETAIL_TYPES.get(any_.type_url)
        value = None
        if kind is not None:
            message = kind()
            any_.Unpack(message)
            value = json_format.MessageToDict(message, preserving_proto_field_name=True)
        details.append({"type_url": any_.type_url, "value": value})
    return {"code": status.code, "message": status.message, "details": details}


def to_json(message):
    return json_format.MessageToDict(
        message,
        preserving_proto_field_name=True,
        always_print_fields_with_no_presence=True,
    )


class Client:
    def __init__(self, target, token=None, ca=None, timeout=10.0):
        if ca:
            with open(ca, "rb") as f:
                creds = grpc.ssl_channel_credentials(root_certificates=f.read())
            self.channel = grpc.secure_channel(target, creds)
        else:
            self.channel = grpc.insecure_channel(target)
        self.stub = service_pb2_grpc.McpOrchestratorServiceStub(self.channel)
        self.health = health_pb2_grpc.HealthStub(self.channel)
        self.token = token
        self.timeout = timeout

    def call(self, method, request, metadata=None):
        md = list((metadata or {}).items())
        if self.token:
            md.append(("authorization", "Bearer " + self.token))
        if method.startswith(HEALTH_PREFIX):
            name = method[len(HEALTH_PREFIX):]
            req = json_format.ParseDict(request or {}, health_pb2.HealthCheckRequest())
            fn = getattr(self.health, name)
        else:
            desc = SERVICE.methods_by_name.get(method)
            if desc is None:
                return {"ok": False, "code": "CLIENT_ERROR", "details": "unknown method " + method}
            req_class = getattr(service_pb2, desc.input_type.name)
            try:
                req = json_format.ParseDict(request or {}, req_class())
            except json_format.ParseError as e:
                return {"ok": False, "code": "CLIENT_ERROR", "details": str(e)}
            fn = getattr(self.stub, method)
        try:
            response, call = fn.with_call(req, metadata=md or None, timeout=self.timeout)
            return {
                "ok": True,
                "code": "OK",
                "details": "",
                "metadata": md_dict(call.initial_metadata()),
                "trailers": md_dict(call.trailing_metadata()),
                "response": to_json(response),
            }
        except grpc.RpcError as e:
            return {
                "ok": False,
                "code": e.code().name,
                "details": e.details() or "",
                "metadata": md_dict(e.initial_metadata()),
                "trailers": md_dict(e.trailing_metadata()),
                "response": None,
                "status_details": status_details(e),
            }


def streams(client, n, wait):
    """Opens n health Watch streams on one channel and reports how many were answered, whether a
    unary call got through meanwhile, and what happens once the answered streams are cancelled.
    A server that caps concurrent streams at k < n answers k watches; the client queues the rest
    (and the unary call) until streams close."""
    req = health_pb2.HealthCheckRequest(service="")
    calls = [client.health.Watch(req) for _ in range(n)]
    answered = [threading.Event() for _ in range(n)]

    def reader(i):
        try:
            for _ in calls[i]:
                answered[i].set()
        except grpc.RpcError:
            pass

    for i in range(n):
        threading.Thread(target=reader, args=(i,), daemon=True).start()

    def check(timeout):
        try:
            client.health.Check(req, timeout=timeout)
            return "OK"
        except grpc.RpcError as e:
            return e.code().name

    time.sleep(wait)
    first = [i for i in range(n) if answered[i].is_set()]
    during = check(1.0)
    for i in first:
        calls[i].cancel()
    time.sleep(wait)
    later = sum(1 for e in answered if e.is_set())
    for c in calls:
        c.cancel()
    after = check(5.0)
    return {"answered": len(first), "check_while_open": during, "answered_after_cancel": later, "check_after": after}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--target", required=True, help="host:port")
    p.add_argument("--token", help="bearer token")
    p.add_argument("--ca", help="PEM CA certificate: use TLS")
    p.add_argument("--timeout", type=float, default=10.0)
    sub = p.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("call")
    c.add_argument("method")
    c.add_argument("request", nargs="?", default="{}")
    sub.add_parser("lines")
    st = sub.add_parser("streams")
    st.add_argument("count", type=int)
    st.add_argument("--wait", type=float, default=2.0, help="seconds to let streams be answered")
    args = p.parse_args()

    client = Client(args.target, args.token, args.ca, args.timeout)
    if args.mode == "streams":
        print(json.dumps(streams(client, args.count, args.wait)), flush=True)
        return
    if args.mode == "call":
        print(json.dumps(client.call(args.method, json.loads(args.request))), flush=True)
        return
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        msg = json.loads(line)
        out = client.call(msg["method"], msg.get("request") or {}, msg.get("metadata"))
        if "id" in msg:
            out["id"] = msg["id"]
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
