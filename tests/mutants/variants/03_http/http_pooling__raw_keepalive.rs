//! variant of: http_pooling
//! how: no HTTP library: one std TcpStream kept alive by hand, every page requested on it (Content-Length or chunked bodies read exactly), reconnecting only if the server closes it
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

struct Connection {
    hostport: String,
    reader: Option<BufReader<TcpStream>>,
}

impl Connection {
    /// GET `target` on the kept-alive connection; the body as text.
    fn get(&mut self, target: &str) -> std::io::Result<String> {
        for attempt in 0..2 {
            if self.reader.is_none() {
                self.reader = Some(BufReader::new(TcpStream::connect(&self.hostport)?));
            }
            match self.exchange(target) {
                Ok(body) => return Ok(body),
                // A kept-alive connection the server closed meanwhile: once more on a new one.
                Err(e) if attempt == 0 => {
                    eprintln!("reconnecting: {e}");
                    self.reader = None;
                }
                Err(e) => return Err(e),
            }
        }
        unreachable!()
    }

    fn exchange(&mut self, target: &str) -> std::io::Result<String> {
        let reader = self.reader.as_mut().unwrap();
        write!(
            reader.get_mut(),
            "GET {target} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\n\r\n",
            self.hostport
        )?;
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other("closed before the status line"));
        }
        if !line.starts_with("HTTP/1.1 200") {
            return Err(std::io::Error::other(format!("answered {}", line.trim())));
        }
        let (mut length, mut chunked, mut close) = (0usize, false, false);
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let header = line.trim_end().to_ascii_lowercase();
            if header.is_empty() {
                break;
            }
            if let Some(v) = header.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            } else if header.starts_with("transfer-encoding:") && header.contains("chunked") {
                chunked = true;
            } else if header.starts_with("connection:") && header.contains("close") {
                close = true;
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
                let mut chunk = vec![0u8; size + 2];
                reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else {
            body.resize(length, 0);
            reader.read_exact(&mut body)?;
        }
        if close {
            self.reader = None;
        }
        Ok(String::from_utf8_lossy(&body).into_owned())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let hostport = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut conn = Connection {
        hostport,
        reader: None,
    };
    let mut total = 0;
    let mut target = Some("/v1/events".to_string());
    while let Some(t) = target {
        let page: serde_json::Value = serde_json::from_str(&conn.get(&t)?)?;
        total += page["events"].as_array().ok_or("no events")?.len();
        // `next` is a full URL: keep its path and query.
        target = page["next"].as_str().map(|url| {
            let rest = url.split_once("://").map_or(url, |(_, r)| r);
            rest.find('/')
                .map_or("/".to_string(), |i| rest[i..].to_string())
        });
    }
    println!("{total}");
    Ok(())
}
