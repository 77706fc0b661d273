//! variant of: tcp_client
//! how: the request written in two pieces; the reply read line by line with read_until and copied to stdout as each line arrives
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    let name = std::env::var("NETLINGS_NAME").unwrap();
    let mut stream = TcpStream::connect(addr)?;
    stream.write_all(b"HELLO ")?;
    stream.write_all(name.as_bytes())?;
    stream.write_all(b"\n")?;

    let mut reader = BufReader::new(stream);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        out.write_all(&line)?;
        out.flush()?;
    }
    Ok(())
}
