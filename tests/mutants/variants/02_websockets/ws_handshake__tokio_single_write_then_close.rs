//! variant of: ws_handshake
//! how: tokio; the head accumulated from raw reads until \r\n\r\n, lowercase response headers in another order, 101 and frame in one write, then a proper close frame
use std::time::Duration;

use base64::Engine;
use sha1::Digest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            if let Err(e) = handle(stream).await {
                eprintln!("connection: {e}");
            }
        });
    }
}

fn has_token(value: Option<&String>, token: &str) -> bool {
    value.is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
}

async fn handle(mut stream: TcpStream) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 512];
    let end = loop {
        if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if head.len() > 16 * 1024 {
            return stream
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    };
    let text = String::from_utf8_lossy(&head[..end]).into_owned();
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut words = request_line.split(' ');
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    let headers: std::collections::HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();

    let key = headers.get("sec-websocket-key");
    let upgrade = method == "GET"
        && has_token(headers.get("upgrade"), "websocket")
        && has_token(headers.get("connection"), "upgrade");
    let (Some(key), true) = (key, upgrade) else {
        let body = "this endpoint speaks WebSocket only\n";
        let reply = format!(
            "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        return stream.write_all(reply.as_bytes()).await;
    };

    let digest = sha1::Sha1::digest(format!("{key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
    let accept = base64::engine::general_purpose::STANDARD.encode(digest);
    let mut out = format!(
        "HTTP/1.1 101 Switching Protocols\r\nsec-websocket-accept: {accept}\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n"
    )
    .into_bytes();
    out.extend(frame(0x1, format!("welcome to {target}").as_bytes()));
    stream.write_all(&out).await?;

    // Close the WebSocket properly: a close frame (1000), then wait a
    // moment for the client's own before closing the TCP connection.
    let mut close = 1000u16.to_be_bytes().to_vec();
    close.extend_from_slice(b"bye");
    stream.write_all(&frame(0x8, &close)).await?;
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        let mut sink = [0u8; 256];
        while stream.read(&mut sink).await.is_ok_and(|n| n > 0) {}
    })
    .await;
    Ok(())
}

/// An unmasked frame with FIN set.
fn frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0x80 | opcode];
    if payload.len() < 126 {
        out.push(payload.len() as u8);
    } else if payload.len() <= u16::MAX as usize {
        out.push(126);
        out.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    } else {
        out.push(127);
        out.extend_from_slice(&(payload.len() as u64).to_be_bytes());
    }
    out.extend_from_slice(payload);
    out
}
