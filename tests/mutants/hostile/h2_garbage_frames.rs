//! mutant of: grpc_unary_server
//! bug: hostile: accepts HTTP/2 connections and answers the client's preface with garbage frames (a frame of an unknown type, a SETTINGS frame of a length no SETTINGS frame has, then noise), and keeps the connection open
//! fails: listens on NETLINGS_ADDR and speaks gRPC (HTTP/2)
//! says: does not speak HTTP/2
use std::io::{Read, Write};

fn main() -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming() {
        let mut stream = stream?;
        std::thread::spawn(move || {
            let mut preface = [0u8; 24];
            if stream.read_exact(&mut preface).is_err() {
                return;
            }
            // Type 0xee is no frame type; a SETTINGS frame of 5 bytes is a
            // FRAME_SIZE_ERROR (each setting is 6); then noise.
            let mut garbage = vec![0, 0, 3, 0xee, 0, 0, 0, 0, 1, 1, 2, 3];
            garbage.extend_from_slice(&[0, 0, 5, 0x4, 0, 0, 0, 0, 0, 9, 9, 9, 9, 9]);
            garbage.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
            let _ = stream.write_all(&garbage);
            let mut buf = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
            }
        });
    }
    Ok(())
}
