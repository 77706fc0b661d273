//! mutant of: tcp_echo_server
//! bug: hostile: never binds anything and sleeps forever
//! fails: listens on NETLINGS_ADDR
//! says: it has no TCP socket bound at all
fn main() {
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
