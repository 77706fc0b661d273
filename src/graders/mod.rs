//! One file per exercise: the script of the protocol its grader runs.
//! Adding an exercise is a stub, a solution, a grader file here, and an entry
//! in `exercises.toml`.

use std::future::Future;
use std::pin::Pin;

use std::net::SocketAddr;

use crate::harness::net::{connect_when_ready, free_tcp_addr};
use crate::harness::{Grading, Outcome, Program, Stop};
use crate::peers::tcp::Conn;

pub type GradeFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;
pub type GradeFn = for<'a> fn(&'a Grading) -> GradeFuture<'a>;

macro_rules! graders {
    ($($name:ident),* $(,)?) => {
        $(pub mod $name;)*

        /// The grader named in `exercises.toml`.
        pub fn lookup(name: &str) -> Option<GradeFn> {
            match name {
                $(stringify!($name) => Some(|g| Box::pin($name::grade(g))),)*
                _ => None,
            }
        }

        /// Every grader netlings has.
        pub const ALL: &[&str] = &[$(stringify!($name)),*];
    };
}

graders! {
    tcp_echo_server,
}

/// Starts a TCP server under test on a fresh `NETLINGS_ADDR` (plus `env`)
/// and returns it with its address and the first connection, made as soon
/// as it listens.
pub async fn start_tcp_server(
    g: &Grading,
    env: &[(&str, String)],
) -> Result<(Program, SocketAddr, Conn), Stop> {
    let addr = free_tcp_addr();
    let mut vars = vec![("NETLINGS_ADDR", addr.to_string())];
    vars.extend(env.iter().cloned());
    g.check("listens on NETLINGS_ADDR", async {
        let program = g.start(&vars)?;
        let stream = connect_when_ready(g, &program, addr).await?;
        Ok((program, addr, Conn::from_stream(g, stream)))
    })
    .await
}
