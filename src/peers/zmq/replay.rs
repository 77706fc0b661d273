//! The few lines of Python (pyzmq, which wraps libzmq) that do what a
//! check did, for the learner to run against their program by hand:
//! `pip install pyzmq`, start the program with the environment shown, then
//! paste the line.

use bytes::Bytes;

/// A Python bytes literal that is safe inside a shell's single quotes:
/// `b"ADD 1 2"`, `b"\xff"` (quotes and backslashes escaped as bytes).
pub fn py_bytes(bytes: &[u8]) -> String {
    let mut out = String::from("b\"");
    for &b in bytes {
        match b {
            b'"' | b'\'' | b'\\' => out.push_str(&format!("\\x{b:02x}")),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

fn py_list(frames: &[Bytes]) -> String {
    let items: Vec<String> = frames.iter().map(|f| py_bytes(f)).collect();
    format!("[{}]", items.join(", "))
}

/// A REQ client that sends each request and prints each reply.
pub fn req(endpoint: &str, requests: &[Vec<Bytes>]) -> String {
    let sends: Vec<String> = requests
        .iter()
        .map(|frames| {
            format!(
                "s.send_multipart({}); print(s.recv_multipart())",
                py_list(frames)
            )
        })
        .collect();
    format!(
        "python3 -c 'import zmq; s = zmq.Context().socket(zmq.REQ); s.connect(\"{endpoint}\"); {}'",
        sends.join("; ")
    )
}

/// A subscriber that follows the HELLO/READY handshake and prints what it
/// gets until `END` (a Python program of a few lines).
pub fn subscriber(endpoint: &str, sync_endpoint: &str, prefixes: &[&str]) -> String {
    let all: Vec<String> = prefixes
        .iter()
        .chain(["END", "HELLO"].iter())
        .map(|p| py_bytes(p.as_bytes()))
        .collect();
    let lines = [
        "python3 -c 'import zmq".to_string(),
        format!("c = zmq.Context(); s = c.socket(zmq.SUB); s.connect(\"{endpoint}\")"),
        format!(
            "for p in [{}]: s.setsockopt(zmq.SUBSCRIBE, p)",
            all.join(", ")
        ),
        "print(s.recv())  # a HELLO: the subscriptions have arrived".to_string(),
        format!(
            "r = c.socket(zmq.REQ); r.connect(\"{sync_endpoint}\"); r.send(b\"READY\"); print(r.recv())"
        ),
        "m = s.recv()".to_string(),
        "while m != b\"END\": print(m); m = s.recv()'".to_string(),
    ];
    lines.join("\n")
}

/// A ventilator that pushes `tasks` once the workers are started, and a
/// sink that prints what comes back.
pub fn pipeline(tasks_endpoint: &str, results_endpoint: &str, tasks: &[String]) -> String {
    let items: Vec<String> = tasks.iter().map(|t| py_bytes(t.as_bytes())).collect();
    format!(
        "python3 -c 'import zmq; c = zmq.Context(); v = c.socket(zmq.PUSH); v.bind(\"{tasks_endpoint}\"); \
         k = c.socket(zmq.PULL); k.bind(\"{results_endpoint}\"); input(\"start your workers, then press Enter\"); \
         [v.send(t) for t in [{}]]; [print(k.recv()) for _ in range({})]'",
        items.join(", "),
        tasks.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_survive_single_quotes() {
        assert_eq!(py_bytes(b"ADD 1 2"), "b\"ADD 1 2\"");
        assert_eq!(
            py_bytes(b"it's \"x\"\\\xff"),
            "b\"it\\x27s \\x22x\\x22\\x5c\\xff\""
        );
    }

    #[test]
    fn a_req_line_sends_every_frame() {
        let line = req(
            "tcp://127.0.0.1:7000",
            &[vec![
                Bytes::from_static(b"ADD 1 2"),
                Bytes::from_static(b"x"),
            ]],
        );
        assert!(
            line.contains("s.send_multipart([b\"ADD 1 2\", b\"x\"])"),
            "{line}"
        );
    }
}
