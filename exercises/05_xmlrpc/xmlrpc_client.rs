//! # xmlrpc_client
//!
//! Q15. What does an XML-RPC call look like on the wire, and what did gRPC
//! change?
//!
//! An XML-RPC call is one HTTP `POST` whose body is a `<methodCall>`: the
//! method's name, then each param as a `<value>` whose element names its
//! type. Write the calls by hand to see every byte. Call the inventory
//! server at `NETLINGS_URL` (`http://127.0.0.1:PORT/RPC2`), in this order:
//!
//! 1. `inventory.total(items)`: an `<array>` of `<struct>`s
//!    `{name: string, qty: int, price: double}`, one per entry of
//!    `NETLINGS_ITEMS` (`name:qty:price;…`, e.g. `Fish & Chips:2:3.5;Tea:1:4`).
//!    A price is a `<double>` even when it is written `4`. The answer is a
//!    struct `{count: int, total: double}`: print `count=<count>
//!    total=<total>`, the total with two decimals (`count=2 total=11.00`).
//! 2. `inventory.tag(name: string, label: base64, when: dateTime.iso8601,
//!    urgent: boolean)` from `NETLINGS_TAG` (`name;label;when;urgent`): the
//!    label's UTF-8 bytes go base64-encoded, `when` is already in XML-RPC's
//!    `YYYYMMDDTHH:MM:SS` form, and `urgent` (`true` or `false`) goes as
//!    `<boolean>1</boolean>` or `<boolean>0</boolean>`. The answer is an
//!    int: print `tag=<id>`.
//! 3. `inventory.get(name)` for `NETLINGS_MISSING`: the answer is a fault.
//!    Print `fault <faultCode>: <faultString>` and exit with status 0.
//!
//! Names are raw text that may hold `&`, `<`, `>` and letters beyond ASCII:
//! escape every string you write (`&amp;`, `&lt;`, `&gt;`), and read the
//! answers with an XML parser, which unescapes them. Answers may write an
//! integer as `<int>` or `<i4>`, and list a struct's members in any order.
//!
//! How it is graded: netlings is the server. It reads each request as sent -
//! `POST`, `Content-Type: text/xml`, a `Content-Length` that counts the
//! body's bytes, well-formed XML, the type element of every value - answers
//! it, and compares what you print with what it answered.
//!
//! Available crates: `reqwest` (blocking; it sets Content-Length for you),
//! `quick-xml` (`quick_xml::reader::Reader`), `base64`.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("NETLINGS_URL").expect("netlings sets NETLINGS_URL");
    let items = std::env::var("NETLINGS_ITEMS").expect("netlings sets NETLINGS_ITEMS");
    let tag = std::env::var("NETLINGS_TAG").expect("netlings sets NETLINGS_TAG");
    let missing = std::env::var("NETLINGS_MISSING").expect("netlings sets NETLINGS_MISSING");

    // TODO: write an escape function, a function that turns a value into
    // `<value>…</value>`, and one that sends a call and reads the answer
    // (a value, or a fault's code and string). Then make the three calls.
    todo!("POST the inventory.total methodCall to NETLINGS_URL")
}
