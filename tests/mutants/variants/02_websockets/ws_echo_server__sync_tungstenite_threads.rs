//! variant of: ws_echo_server
//! how: no tokio: tungstenite's blocking API (tungstenite::accept, read, send) with a std thread per connection
use std::net::TcpListener;

use tokio_tungstenite::tungstenite::{self, Error};

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        std::thread::spawn(move || {
            let mut ws = match tungstenite::accept(stream) {
                Ok(ws) => ws,
                Err(e) => {
                    eprintln!("handshake: {e}");
                    return;
                }
            };
            loop {
                // read() also flushes the pong or close reply it queued.
                match ws.read() {
                    Ok(msg) if msg.is_text() || msg.is_binary() => {
                        if let Err(e) = ws.send(msg) {
                            eprintln!("send: {e}");
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(Error::ConnectionClosed | Error::AlreadyClosed) => return,
                    Err(e) => {
                        eprintln!("read: {e}");
                        return;
                    }
                }
            }
        });
    }
    Ok(())
}
