//! variant of: ws_ticker_client
//! how: a WebSocket client by hand over tokio's TcpStream (upgrade, accept key checked, masked frames); says on stdout when it reconnects
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use sha1::Digest;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::var("NETLINGS_WS_URL").unwrap();
    let symbol = std::env::var("NETLINGS_SYMBOL").unwrap();
    let rest = url.strip_prefix("ws://").expect("a ws:// URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };

    let mut next: u64 = 0;
    let mut subscribed = false;
    let mut seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    for _ in 0..50 {
        match session(host, path, &symbol, &mut next, &mut subscribed, &mut seed).await {
            Ok(true) => return,
            Ok(false) => println!("connection lost at tick {next}, reconnecting"),
            Err(e) => eprintln!("connection failed: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    std::process::exit(1);
}

fn random(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// One connection; Ok(true) once END came, Ok(false) if it dropped before.
async fn session(
    host: &str,
    path: &str,
    symbol: &str,
    next: &mut u64,
    subscribed: &mut bool,
    seed: &mut u64,
) -> std::io::Result<bool> {
    let stream = TcpStream::connect(host).await?;
    let mut stream = BufReader::new(stream);
    let key =
        base64::engine::general_purpose::STANDARD.encode(random(seed).to_le_bytes().repeat(2));
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    stream.get_mut().write_all(request.as_bytes()).await?;

    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        head.push(stream.read_u8().await?);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let expected = base64::engine::general_purpose::STANDARD
        .encode(sha1::Sha1::digest(format!(
            "{key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
        )))
        .to_ascii_lowercase();
    if !head.starts_with("http/1.1 101") || !head.contains(&expected) {
        return Err(std::io::Error::other("the upgrade was refused"));
    }

    let subscribe = if *subscribed {
        format!("SUBSCRIBE {symbol} FROM {next}")
    } else {
        format!("SUBSCRIBE {symbol}")
    };
    let mask = (random(seed) as u32).to_be_bytes();
    stream
        .get_mut()
        .write_all(&masked_frame(0x1, subscribe.as_bytes(), mask))
        .await?;
    *subscribed = true;

    loop {
        let first = match stream.read_u8().await {
            Ok(b) => b,
            Err(_) => return Ok(false),
        };
        let second = stream.read_u8().await?;
        let len = match second & 0x7f {
            126 => u64::from(stream.read_u16().await?),
            127 => stream.read_u64().await?,
            n => u64::from(n),
        };
        let mut payload = vec![0u8; len as usize];
        stream.read_exact(&mut payload).await?;
        match first & 0x0f {
            0x1 => {
                let text = String::from_utf8_lossy(&payload);
                if text == "END" {
                    return Ok(true);
                }
                let words: Vec<&str> = text.split(' ').collect();
                if let ["TICK", _, seq, price] = words[..]
                    && let Ok(seq) = seq.parse::<u64>()
                    && seq >= *next
                {
                    println!("{seq} {price}");
                    *next = seq + 1;
                }
            }
            0x8 => return Ok(false),
            0x9 => {
                let mask = (random(seed) as u32).to_be_bytes();
                stream
                    .get_mut()
                    .write_all(&masked_frame(0xA, &payload, mask))
                    .await?;
            }
            _ => {}
        }
    }
}

fn masked_frame(opcode: u8, payload: &[u8], mask: [u8; 4]) -> Vec<u8> {
    let mut f = vec![0x80 | opcode];
    if payload.len() < 126 {
        f.push(0x80 | payload.len() as u8);
    } else {
        f.push(0x80 | 126);
        f.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    }
    f.extend_from_slice(&mask);
    f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    f
}
