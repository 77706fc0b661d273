//! variant of: concurrent_server
//! how: threads with plain blocking reads (no read timeout); a reaper thread scans a shared table of last-activity times every 50 ms and shuts idle sockets down from outside
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Table = Arc<Mutex<HashMap<u64, (TcpStream, Instant)>>>;

fn main() -> std::io::Result<()> {
    let idle = Duration::from_millis(
        std::env::var("NETLINGS_IDLE_TIMEOUT_MS")
            .unwrap()
            .parse()
            .unwrap(),
    );
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    let table: Table = Arc::default();

    let reaper = table.clone();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(50));
            reaper.lock().unwrap().retain(|_, (socket, last)| {
                if last.elapsed() < idle {
                    return true;
                }
                // Wakes the blocked reader with EOF; its thread then ends.
                let _ = socket.shutdown(Shutdown::Both);
                false
            });
        }
    });

    for (id, stream) in (0u64..).zip(listener.incoming()) {
        let Ok(stream) = stream else { continue };
        table
            .lock()
            .unwrap()
            .insert(id, (stream.try_clone()?, Instant::now()));
        let table = table.clone();
        std::thread::spawn(move || {
            let _ = serve(stream, id, &table);
            table.lock().unwrap().remove(&id);
        });
    }
    Ok(())
}

fn serve(stream: TcpStream, id: u64, table: &Table) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(());
        }
        // Any bytes at all count as activity, a whole line or not.
        if let Some((_, last)) = table.lock().unwrap().get_mut(&id) {
            *last = Instant::now();
        }
        let (take, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        line.extend_from_slice(&available[..take]);
        reader.consume(take);
        if done {
            let reply = answer(String::from_utf8_lossy(&line).trim());
            writer.write_all(format!("{reply}\n").as_bytes())?;
            line.clear();
        }
    }
}

fn answer(request: &str) -> String {
    let words: Vec<&str> = request.split_whitespace().collect();
    let [op @ ("ADD" | "MUL"), a, b] = words[..] else {
        return "ERR expected `ADD a b` or `MUL a b`".into();
    };
    let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) else {
        return "ERR bad number".into();
    };
    let result = if op == "ADD" {
        a.checked_add(b)
    } else {
        a.checked_mul(b)
    };
    result.map_or("ERR overflow".into(), |n| n.to_string())
}
