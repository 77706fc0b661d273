//! `--report FILE.html` as a person sees it: netlings grades a student's
//! checkout with one exercise solved (`http_async_concurrent`, judged on
//! the requests in flight) and one with a real bug (`tcp_client` that
//! takes one read() for the whole reply), writes the report, and headless
//! Chromium opens it offline: it must load nothing but the file (the
//! page's Content Security Policy blocks any other load, and Chromium logs
//! each block on its console), log no console message at all, and its DOM
//! must hold the sequence diagrams and the timing plot with their labels.
//! A screenshot is kept in the test's target folder to look at.
//!
//! Without Chromium (Debian's `chromium` package; `.ci/run` installs it)
//! the test says loudly that it was skipped, and passes.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The flags every run of the browser gets: no sandbox (root in CI), no
/// GPU, none of its own background traffic.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--hide-scrollbars",
    // Console messages (a CSP block, a script error) on stderr.
    "--enable-logging=stderr",
    "--v=1",
];

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn open(browser: &Path, page: &Path, extra: &[&str]) -> Output {
    let profile = tempfile::tempdir().unwrap();
    Command::new(browser)
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

/// The page's console messages, as Chromium logs them.
fn console(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect()
}

/// What in a DOM would load something: an element that fetches, or a
/// reference that is not a fragment of the page itself.
fn loads(dom: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in [
        "<script", "<img", "<link", "<iframe", "<object", "<embed", "<image",
    ] {
        if dom.contains(tag) {
            found.push(tag.to_string());
        }
    }
    for attr in ["src=\"", "href=\"", "url(", "@import"] {
        for (i, _) in dom.match_indices(attr) {
            let rest = &dom[i + attr.len()..];
            if !(attr == "href=\"" && rest.starts_with('#')) {
                found.push(dom[i..(i + 60).min(dom.len())].to_string());
            }
        }
    }
    found
}

/// A student's checkout: `http_async_concurrent` solved, `tcp_client`
/// with a real bug (the mutant that reads once).
fn student() -> tempfile::TempDir {
    let root = common::repo_root();
    let dir = common::fixture();
    std::fs::copy(
        root.join("solutions/03_http/http_async_concurrent.rs"),
        dir.path()
            .join("exercises/03_http/http_async_concurrent.rs"),
    )
    .unwrap();
    std::fs::copy(
        root.join("tests/mutants/01_sockets/tcp_client__one_read.rs"),
        dir.path().join("exercises/01_sockets/tcp_client.rs"),
    )
    .unwrap();
    dir
}

#[test]
fn the_report_opens_offline_with_its_diagrams_and_plots() {
    let Some(browser) = chromium() else {
        eprintln!(
            "\n**************************************************************\n\
             SKIPPED report_html: Chromium is not installed (apt-get install \
             chromium; .ci/run installs it)\n\
             **************************************************************\n"
        );
        return;
    };
    let root = common::repo_root();
    let student = student();
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report_html");
    std::fs::create_dir_all(&out_dir).unwrap();
    let page = out_dir.join("report.html");
    let _ = std::fs::remove_file(&page);
    let done = common::netlings(&root)
        .env("NETLINGS_STATE", student.path().join("state.toml"))
        .args(["verify", "--learner"])
        .arg(student.path())
        .args(["http_async_concurrent", "tcp_client", "--report"])
        .arg(&page)
        .assert();
    let said = common::stdout(&done);
    assert_eq!(done.get_output().status.code(), Some(1), "{said}");
    assert!(page.exists(), "no report written: {said}");

    // The DOM as Chromium built it, and its console.
    let opened = open(&browser, &page, &["--dump-dom"]);
    assert!(opened.status.success(), "{opened:?}");
    let dom = String::from_utf8_lossy(&opened.stdout).into_owned();
    assert!(dom.contains("<title>netlings report</title>"), "{dom}");
    assert_eq!(console(&opened), Vec::<String>::new(), "console messages");
    assert_eq!(
        loads(&dom),
        Vec::<String>::new(),
        "the page would load these"
    );

    // The failed check: its conversation with the wrong message marked.
    let failed = dom
        .split("<details")
        .find(|d| d.contains("data-status=\"fail\""))
        .expect("a failed check");
    assert!(failed.contains("prints the whole reply"), "{failed}");
    assert!(failed.contains("<svg class=\"diagram\""), "{failed}");
    for lane in ["netlings", "your program"] {
        assert!(
            failed.contains(&format!("data-lane=\"{lane}\"")),
            "{failed}"
        );
    }
    assert!(failed.contains("class=\"arrow netlings\""), "{failed}");
    assert!(failed.contains("Welcome, "), "{failed}");
    assert!(failed.contains("✗ the check failed"), "{failed}");
    assert!(failed.contains("data-kind=\"exit\""), "{failed}");

    // The passed exercise: the requests in flight against the 5–8 band.
    let in_flight = dom
        .split("<details")
        .find(|d| d.contains("keeps at least 5 requests in flight"))
        .expect("the check of requests in flight");
    assert!(in_flight.contains("data-status=\"pass\""), "{in_flight}");
    assert!(in_flight.contains("<svg class=\"plot\""), "{in_flight}");
    assert!(in_flight.contains("allowed: 5–8"), "{in_flight}");
    assert!(
        in_flight.contains("<polyline class=\"series s0\" data-series=\"reading requests\""),
        "{in_flight}"
    );
    assert!(
        in_flight.contains("requests in flight</text>"),
        "{in_flight}"
    );

    // A screenshot, to look at (and proof that it renders).
    let shot = out_dir.join("report.png");
    let _ = std::fs::remove_file(&shot);
    let taken = open(
        &browser,
        &page,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,1800",
        ],
    );
    assert!(taken.status.success(), "{taken:?}");
    assert_eq!(console(&taken), Vec::<String>::new());
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 20_000);
    // IHDR: the width the window asked for.
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1280);
    eprintln!(
        "the report: {} (screenshot {})",
        page.display(),
        shot.display()
    );

    // The detector is no blind eye: the same page, with a picture and a
    // style sheet from the network, is caught by both checks.
    let tampered = out_dir.join("tampered.html");
    let html = std::fs::read_to_string(&page).unwrap().replacen(
        "<body>",
        "<body><img src=\"http://127.0.0.1:9/x.png\">\
         <link rel=\"stylesheet\" href=\"https://example.invalid/x.css\">",
        1,
    );
    std::fs::write(&tampered, html).unwrap();
    let opened = open(&browser, &tampered, &["--dump-dom"]);
    let blocked = console(&opened);
    assert_eq!(blocked.len(), 2, "{blocked:#?}");
    assert!(
        blocked
            .iter()
            .all(|l| l.contains("Content Security Policy"))
    );
    assert!(!loads(&String::from_utf8_lossy(&opened.stdout)).is_empty());
}
