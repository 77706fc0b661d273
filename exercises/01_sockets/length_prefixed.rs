//! # length_prefixed
//!
//! Q3. How does `write_all` differ from `write` — and `read_exact` from `read`?
//!
//! Another way to frame messages on a byte stream: put each message's length
//! in front of it. Build a server for this protocol:
//!
//! - A frame is a 4-byte **big-endian** unsigned length `n`, then `n` bytes
//!   of payload (any bytes).
//! - The reply to each frame is a frame holding the same payload reversed
//!   (`hello` → `olleh`).
//! - A length over 1 MiB (1 048 576) is a broken client: close that
//!   connection without a reply. Other connections carry on.
//! - A connection carries any number of frames.
//!
//! Listen on `NETLINGS_ADDR`.
//!
//! How it is graded: netlings sends frames whole, split into 1-byte writes
//! (the header too), several in one write, empty, and 1 MiB long; then an
//! absurd length on one connection while another stays open.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

/// The largest payload a frame may carry.
const MAX_FRAME: usize = 1024 * 1024;

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let listener = TcpListener::bind(&addr)?;
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || serve(stream));
    }
    Ok(())
}

/// Answers every frame of one connection.
fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    // TODO: loop: read the 4-byte header (read_exact), decode it with
    // u32::from_be_bytes, refuse lengths over MAX_FRAME, read the payload
    // (read_exact), reply with a frame of the reversed payload.
    todo!("read a 4-byte big-endian length, then that many bytes")
}
