//! variant of: tcp_echo_server
//! how: a std thread per connection running std::io::copy from a try_clone'd handle, then shutdown(Write)
use std::io::{self, ErrorKind};
use std::net::{Shutdown, TcpListener, TcpStream};

fn main() -> io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                std::thread::spawn(move || {
                    let _ = serve(stream);
                });
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => eprintln!("accept: {e}"),
        }
    }
}

fn serve(stream: TcpStream) -> io::Result<()> {
    let mut reader = stream.try_clone()?;
    let mut writer = stream;
    // Copies until the reader reports EOF (the client's half-close).
    io::copy(&mut reader, &mut writer)?;
    writer.shutdown(Shutdown::Write)
}
