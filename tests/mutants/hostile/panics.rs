//! mutant of: tcp_echo_server
//! bug: hostile: panics at once
//! fails: listens on NETLINGS_ADDR
//! says: panicked before listening
//! says: the listener exploded
fn main() {
    panic!("the listener exploded");
}
