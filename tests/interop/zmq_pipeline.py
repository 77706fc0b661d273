"""zmq_pipeline's contract kept by pyzmq (libzmq): a worker."""
import os
import time

import zmq

context = zmq.Context()
tasks = context.socket(zmq.PULL)
tasks.connect(os.environ["NETLINGS_TASKS"])
results = context.socket(zmq.PUSH)
results.connect(os.environ["NETLINGS_RESULTS"])
while True:
    task_id, n, ms = tasks.recv_string().split(" ")
    time.sleep(int(ms) / 1000)
    results.send_string(f"{task_id} {int(n) ** 2}")
