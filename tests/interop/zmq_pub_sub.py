"""zmq_pub_sub's contract kept by pyzmq (libzmq): HELLO until every
subscriber said READY, then the messages, then END."""
import os
import time

import zmq

context = zmq.Context()
publisher = context.socket(zmq.PUB)
publisher.bind(os.environ["NETLINGS_ENDPOINT"])
sync = context.socket(zmq.REP)
sync.bind(os.environ["NETLINGS_SYNC_ENDPOINT"])
poller = zmq.Poller()
poller.register(sync, zmq.POLLIN)

ready = 0
while ready < int(os.environ["NETLINGS_SUBSCRIBERS"]):
    publisher.send(b"HELLO")
    if poller.poll(20):
        sync.recv()
        sync.send(b"OK")
        ready += 1
for line in os.environ["NETLINGS_MESSAGES"].split("\n"):
    publisher.send_string(line)
publisher.send(b"END")
while True:
    time.sleep(3600)
