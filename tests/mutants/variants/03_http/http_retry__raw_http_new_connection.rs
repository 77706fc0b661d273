//! variant of: http_retry
//! how: HTTP/1.1 by hand over std TcpStream, a new connection per attempt (Connection: close); the status line and Retry-After parsed by hand
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

struct Answer {
    code: u16,
    status_line: String,
    retry_after: Option<u64>,
    body: String,
}

fn fetch(hostport: &str, path: &str) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(hostport)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {hostport}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let status_line = status_line.trim_end().to_string();
    let code = status_line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let (mut retry_after, mut length, mut chunked) = (None, None, false);
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        match name.to_ascii_lowercase().as_str() {
            "retry-after" => retry_after = value.trim().parse().ok(),
            "content-length" => length = value.trim().parse::<usize>().ok(),
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            let mut chunk = vec![0u8; size + 2];
            reader.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        reader.read_exact(&mut body)?;
    } else {
        reader.read_to_end(&mut body)?;
    }
    Ok(Answer {
        code,
        status_line,
        retry_after,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn main() {
    let base = std::env::var("NETLINGS_BASE_URL").unwrap();
    let order = std::env::var("NETLINGS_ORDER").unwrap();
    let max: u32 = std::env::var("NETLINGS_MAX_ATTEMPTS")
        .unwrap()
        .parse()
        .unwrap();
    let mut backoff = Duration::from_millis(
        std::env::var("NETLINGS_BASE_DELAY_MS")
            .unwrap()
            .parse()
            .unwrap(),
    );
    let hostport = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let path = format!("/v1/orders/{order}");

    let mut attempts = 0;
    loop {
        attempts += 1;
        let answer = match fetch(&hostport, &path) {
            Ok(a) => a,
            Err(e) => {
                println!("error: {e}");
                std::process::exit(1);
            }
        };
        match answer.code {
            200 => {
                println!("{}", answer.body.trim());
                return;
            }
            429 | 502 | 503 | 504 if attempts < max => {
                let wait = answer.retry_after.map_or(backoff, Duration::from_secs);
                std::thread::sleep(wait);
                backoff *= 2;
            }
            429 | 502 | 503 | 504 => {
                println!("gave up after {attempts} attempts");
                std::process::exit(1);
            }
            _ => {
                // `HTTP/1.1 404 Not Found` → `404 Not Found`
                let status = answer.status_line.split_once(' ').map_or("", |(_, s)| s);
                println!("error: {status}");
                std::process::exit(1);
            }
        }
    }
}
