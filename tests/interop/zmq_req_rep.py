"""zmq_req_rep's contract kept by pyzmq (libzmq): a REP calculator."""
import os
import re

import zmq

I64 = (-(2**63), 2**63 - 1)
NUMBER = re.compile(r"-?[0-9]+\Z")


def answer(frames):
    if len(frames) != 1:
        return "ERR one frame per request"
    try:
        text = frames[0].decode("utf-8")
    except UnicodeDecodeError:
        return "ERR not UTF-8"
    parts = text.split(" ")
    if len(parts) != 3 or parts[0] not in ("ADD", "MUL"):
        return "ERR expected ADD a b or MUL a b"
    if not all(NUMBER.match(p) for p in parts[1:]):
        return "ERR operands are integers"
    a, b = int(parts[1]), int(parts[2])
    if not all(I64[0] <= n <= I64[1] for n in (a, b)):
        return "ERR operands are 64-bit"
    result = a + b if parts[0] == "ADD" else a * b
    if not I64[0] <= result <= I64[1]:
        return "ERR overflow"
    return str(result)


rep = zmq.Context().socket(zmq.REP)
rep.bind(os.environ["NETLINGS_ENDPOINT"])
while True:
    rep.send_string(answer(rep.recv_multipart()))
