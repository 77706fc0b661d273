//! netlings as a raw HTTP/1.1 client: the head of a response (status line
//! and header fields), read byte by byte from a TCP connection, so that
//! nothing after it - the first WebSocket frame, say - is consumed. For
//! graders that judge the bytes a program writes by hand.

use crate::harness::Failure;
use crate::peers::tcp::Conn;
use crate::report::escape_abridged;

/// The longest response head netlings reads before calling it garbage.
const MAX_HEAD: usize = 16 * 1024;

/// A response's status line and header fields.
pub struct ResponseHead {
    pub status_line: String,
    /// Names as sent (compare them without regard to case), values trimmed.
    pub headers: Vec<(String, String)>,
}

impl ResponseHead {
    /// The status code, if the status line has one.
    pub fn status(&self) -> Option<u16> {
        self.status_line.split_whitespace().nth(1)?.parse().ok()
    }

    /// The first value of header `name` (any letter case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether header `name` lists `token` among its comma-separated values
    /// (`Connection: keep-alive, Upgrade` lists `upgrade`), any letter case.
    pub fn lists(&self, name: &str, token: &str) -> bool {
        self.header(name)
            .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    }
}

/// Reads a response head, up to and including its blank line.
pub async fn read_response_head(conn: &mut Conn, what: &str) -> Result<ResponseHead, Failure> {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return Err(Failure::fail(format!(
                "{what}: no blank line (\\r\\n\\r\\n) after {} bytes: that is not an HTTP response head",
                head.len()
            )));
        }
        let byte = conn.recv_exact(1, what).await.map_err(|f| {
            if head.is_empty() {
                f
            } else {
                f.and(format!("received so far: {}", escape_abridged(&head, 200)))
                    .because("an HTTP head ends with an empty line: \\r\\n\\r\\n")
            }
        })?;
        head.extend_from_slice(&byte);
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default().to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok(ResponseHead {
        status_line,
        headers,
    })
}
