#!/usr/bin/env python3
"""xmlrpc_server written with Python's standard xmlrpc.server, adapted to
netlings' contract (the interoperability fault codes, 405 for a GET): an
independent server the xmlrpc_server grader must accept."""
import os
import socketserver
from xml.parsers.expat import ExpatError
from xmlrpc.client import Fault, dumps, loads
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer


def add(a, b):
    return a + b


def divide(a, b):
    if b == 0:
        raise Fault(1, "division by zero")
    return a / b


def reverse(s):
    return s[::-1]


def summary(items):
    if any(type(x) not in (int, float) for x in items):
        raise Fault(-32602, "stats.summary takes numbers")
    if not items:
        raise Fault(2, "empty")
    return {
        "count": len(items),
        "mean": sum(items) / len(items),
        "min": float(min(items)),
        "max": float(max(items)),
    }


SIGNATURES = {
    "math.add": (add, (int, int)),
    "math.divide": (divide, (int, int)),
    "text.reverse": (reverse, (str,)),
    "stats.summary": (summary, (list,)),
}


class Server(socketserver.ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True

    def _dispatch(self, method, params):
        if method == "system.listMethods":
            return list(SIGNATURES) + ["system.listMethods"]
        if method not in SIGNATURES:
            raise Fault(-32601, f"no method {method}")
        function, types = SIGNATURES[method]
        if len(params) != len(types) or any(type(p) is not t for p, t in zip(params, types)):
            raise Fault(-32602, f"wrong params for {method}")
        return function(*params)

    def _marshaled_dispatch(self, data, dispatch_method=None, path=None):
        try:
            params, method = loads(data)
        except ExpatError as e:
            return dumps(Fault(-32700, f"not well-formed: {e}"), methodresponse=True).encode()
        except Exception as e:
            return dumps(Fault(-32600, f"not a call: {e}"), methodresponse=True).encode()
        if method is None:
            return dumps(Fault(-32600, "not a methodCall"), methodresponse=True).encode()
        try:
            response = (self._dispatch(method, params),)
            return dumps(response, methodresponse=True, allow_none=True).encode()
        except Fault as fault:
            return dumps(fault, methodresponse=True).encode()


class Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/RPC2",)

    def do_GET(self):
        self.send_response(405)
        self.send_header("Allow", "POST")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


host, port = os.environ["NETLINGS_ADDR"].rsplit(":", 1)
Server((host, int(port)), requestHandler=Handler, logRequests=False).serve_forever()
