//! The learner's screen, read through a terminal emulator at the sizes
//! learners have (80 × 24 and 200 × 50): what matters after a grade is on
//! it, the list's cursor never leaves it, a resize redraws it at once, the
//! quiz is asked in place, and nothing of cargo's or the dependencies'
//! chatter reaches it. Every wait has a deadline; none is a sleep.

mod common;

use std::time::Duration;

use common::checkout::{Checkout, SCREEN};
use common::screen::{DOWN, ESC, Screen};

/// The sizes every screen test runs at.
const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];

fn quit(s: &mut Screen) {
    s.send("q");
    s.wait_end(SCREEN);
    assert!(!s.alternate_screen(), "the terminal was not restored");
}

/// A tcp_echo_server that passes every check but the last: its report is
/// longer than an 80 × 24 screen, with the failure at its end.
/// A notch of the mouse wheel, as a terminal in alternate-scroll mode
/// sends it.
const WHEEL_UP: &str = "\x1b[A\x1b[A\x1b[A";
const WHEEL_DOWN: &str = "\x1b[B\x1b[B\x1b[B";

fn late_failure(checkout: &Checkout) {
    let mutant = std::fs::read_to_string(
        common::repo_root().join("tests/mutants/01_sockets/tcp_echo_server__error_ends_server.rs"),
    )
    .unwrap();
    checkout.save("01_sockets/tcp_echo_server", &mutant);
}

#[test]
fn a_failing_grade_keeps_the_name_status_and_failing_check_on_screen() {
    for (cols, rows) in SIZES {
        let checkout = Checkout::new();
        late_failure(&checkout);
        let mut s = checkout.screen(&[], &[], cols, rows);
        let screen = s.wait_until("a verdict", SCREEN, |rows| {
            rows.iter().any(|r| r.contains("FAIL tcp_echo_server"))
        });
        let shown = screen.join("\n");
        assert!(
            shown.contains("netlings · tcp_echo_server"),
            "{cols}×{rows}: the exercise's name is off screen:\n{shown}"
        );
        assert!(
            shown.contains("✗ survives a client that vanishes mid-echo"),
            "{cols}×{rows}: the failing check is off screen:\n{shown}"
        );
        assert!(
            shown.contains("edit exercises/01_sockets/tcp_echo_server.rs"),
            "{cols}×{rows}:\n{shown}"
        );
        if rows == 24 {
            // The report does not fit: it scrolls to the failure, and says
            // what is above.
            assert!(shown.contains("more lines above"), "{shown}");
            s.send("g");
            s.wait_for("✓ compiles");
            s.send("G");
            s.wait_for("checks passed in");
            // The mouse wheel: netlings asks for "alternate scroll", with
            // which a terminal sends the wheel as arrow keys, three per
            // notch. Wheel up to the top, then down to the end.
            assert!(
                s.raw().contains("\x1b[?1007h"),
                "alternate scroll was not asked for: the wheel would not scroll"
            );
            s.send(&WHEEL_UP.repeat(20));
            s.wait_for("✓ compiles");
            s.send(&WHEEL_DOWN.repeat(20));
            s.wait_for("checks passed in");
        }
        quit(&mut s);
    }
}

#[test]
fn the_list_opens_at_the_current_exercise_and_its_cursor_stays_on_screen() {
    let catalog = netlings::catalog::Catalog::load(&common::repo_root()).unwrap();
    let order: Vec<String> = catalog
        .by_topic()
        .into_iter()
        .map(|i| catalog.exercises[i].name.clone())
        .collect();
    let last = order.last().unwrap().clone();
    for (cols, rows) in SIZES {
        let checkout = Checkout::new();
        // The current exercise is the list's last: opening must scroll.
        std::fs::write(
            checkout.path(".netlings-state.toml"),
            format!("current = \"{last}\"\n"),
        )
        .unwrap();
        let mut s = checkout.screen(&[], &[], cols, rows);
        s.wait_for(&format!("netlings · {last}"));
        s.send("l");
        let cursor_on = |name: &str| {
            let name = format!(" {name} ");
            move |rows: &[String]| rows.iter().any(|r| r.starts_with('▶') && r.contains(&name))
        };
        s.wait_until(
            "the cursor on the current exercise",
            SCREEN,
            cursor_on(&last),
        );
        s.send("g");
        for (i, name) in order.iter().enumerate() {
            let shown = s.wait_until(
                &format!("the cursor on {name} ({cols}×{rows})"),
                SCREEN,
                cursor_on(name),
            );
            assert!(
                shown[0].contains("netlings · exercises"),
                "the title scrolled away: {shown:?}"
            );
            if i + 1 < order.len() {
                s.send(if i % 2 == 0 { "j" } else { DOWN });
            }
        }
        let shown = s.rows().join("\n");
        if rows == 24 {
            assert!(
                shown.contains("more lines above"),
                "the list does not say where it continues:\n{shown}"
            );
        }
        s.send(ESC);
        s.wait_for(&format!("netlings · {last}"));
        quit(&mut s);
    }
}

#[test]
fn a_resize_redraws_at_once_without_a_key() {
    let checkout = Checkout::new();
    late_failure(&checkout);
    let mut s = checkout.screen(&[], &[], 80, 24);
    s.wait_for("FAIL tcp_echo_server");
    for (cols, rows) in [(200, 50), (80, 24), (100, 30)] {
        s.resize(cols, rows);
        // The title on the first row and the keys on the last: a frame
        // drawn for the new size, with no key pressed. (What was on the
        // screen before has neither there: it is cut or padded.)
        let shown = s.wait_until(&format!("a redraw at {cols}×{rows}"), SCREEN, |r| {
            r.first()
                .is_some_and(|l| l.starts_with("netlings · tcp_echo_server"))
                && r.last().is_some_and(|l| l.contains("r re-run"))
        });
        let text = shown.join("\n");
        assert!(text.contains("netlings · tcp_echo_server"), "{text}");
        assert!(
            text.contains("✗ survives a client that vanishes mid-echo"),
            "{text}"
        );
    }
    quit(&mut s);
}

#[test]
fn the_quiz_key_asks_the_cards_quiz_in_place_and_records_the_answer() {
    let checkout = Checkout::new();
    let mut s = checkout.screen(&[], &[], 80, 24);
    s.wait_for("FAIL tcp_echo_server");
    s.send("z");
    s.wait_for("item 1 of");
    s.wait_for("An echo server's connection loop");
    // echo_whole_buffer: b is right.
    s.send("b");
    s.wait_for("✓ right");
    s.send(ESC);
    s.wait_for("1/");
    s.wait_for("netlings · tcp_echo_server");
    let answers =
        std::fs::read_to_string(checkout.path("exercises/01_sockets/quiz_q02.toml")).unwrap();
    assert!(answers.contains("answer = \"b\""), "{answers}");
    quit(&mut s);
}

#[test]
fn no_cargo_or_dependency_chatter_reaches_the_screen_cold_or_warm() {
    let checkout = Checkout::new();
    let stub =
        std::fs::read_to_string(checkout.path("exercises/01_sockets/tcp_echo_server.rs")).unwrap();
    // The learner's own warning is theirs to see.
    let with_warning = stub.replacen("fn main", "fn NotSnakeCase() {}\n\nfn main", 1);
    checkout.save("01_sockets/tcp_echo_server", &with_warning);
    for build in ["cold", "warm"] {
        let mut s = checkout.screen(&["run", "tcp_echo_server"], &[], 80, 24);
        s.wait_end(Duration::from_secs(300));
        let raw = s.raw();
        for noise in [
            "Running `",
            "CARGO_PKG",
            "cap-lints",
            "generated 1 warning",
            "Fresh ",
            // A dependency's own warning names its source under cargo's
            // registry (`errno`, `getrandom`: what `-vv` replays).
            "/registry/src/",
        ] {
            assert!(
                !raw.contains(noise),
                "{build}: {noise:?} was written:\n{raw}"
            );
        }
        let shown = s.text();
        for gone in ["Compiling", "Finished"] {
            assert!(
                !shown.contains(gone),
                "{build}: {gone:?} stayed on screen:\n{shown}"
            );
        }
        assert!(shown.contains("FAIL tcp_echo_server"), "{build}:\n{shown}");
        if build == "cold" {
            // Cargo's warning comes before the report, which may be longer
            // than the screen: it is looked for in all that was written.
            let written = netlings::screen::plain(&raw).replace("\r\n", "\n");
            assert!(
                written.contains("function `NotSnakeCase` should have a snake case name"),
                "{build}: the learner's own warning is missing:\n{shown}"
            );
        }
    }
}

#[test]
fn the_editor_key_lends_the_terminal_and_takes_it_back() {
    let checkout = Checkout::new();
    // An "editor" that says whether the terminal is back in its normal
    // (canonical) mode, and saves a change as a learner would.
    let editor = checkout.path("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\necho \"EDITOR RAN $(stty -a | grep -o -- '-*icanon' | head -n1)\"\necho '// edited' >> \"$1\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let editor = editor.display().to_string();
    let mut s = checkout.screen(&[], &[("VISUAL", ""), ("EDITOR", editor.as_str())], 80, 24);
    s.wait_for("FAIL tcp_echo_server");
    s.send("e");
    // The save is graded, on netlings' own screen again.
    s.wait_for("Checking…");
    s.wait_for("FAIL tcp_echo_server");
    assert!(s.alternate_screen(), "the screen was not taken back");
    let raw = s.raw();
    let ran = raw.find("EDITOR RAN").expect("the editor ran");
    assert!(
        raw[ran..].starts_with("EDITOR RAN icanon"),
        "the editor got a terminal in raw mode: {}",
        &raw[ran..ran + 40]
    );
    let left = raw[..ran]
        .rfind("\x1b[?1049l")
        .expect("the alternate screen was left");
    assert!(raw[..left].contains("\x1b[?1049h"));
    assert!(raw[ran..].contains("\x1b[?1049h"), "not entered again");
    let stub =
        std::fs::read_to_string(checkout.path("exercises/01_sockets/tcp_echo_server.rs")).unwrap();
    assert!(stub.ends_with("// edited\n"));
    quit(&mut s);
}

#[test]
fn the_model_answer_opens_from_watch_once_the_card_is_done() {
    let checkout = Checkout::new();
    // q13's card: its exercises (marked done) and its quiz, which is done
    // once answered right.
    let catalog = netlings::catalog::Catalog::load(&common::repo_root()).unwrap();
    let exercises: Vec<String> = catalog
        .exercises
        .iter()
        .filter(|e| e.questions.iter().any(|q| q == "q13") && !e.is_quiz())
        .map(|e| format!("{:?}", e.name))
        .collect();
    assert!(!exercises.is_empty());
    let rel = "exercises/06_zeromq/quiz_q13.toml";
    let text = std::fs::read_to_string(checkout.path(rel)).unwrap();
    let quiz = netlings::quiz::Quiz::parse(std::path::Path::new(rel), &text).unwrap();
    let key_text =
        std::fs::read_to_string(checkout.path("solutions/06_zeromq/quiz_q13.toml")).unwrap();
    let key =
        netlings::quiz::AnswerKey::parse(std::path::Path::new("key"), &key_text, &quiz).unwrap();
    std::fs::write(
        checkout.path(".netlings-state.toml"),
        format!(
            "current = \"quiz_q13\"\ndone = [{}]\n",
            exercises.join(", ")
        ),
    )
    .unwrap();
    let mut s = checkout.screen(&[], &[], 80, 24);
    s.wait_for("FAIL quiz_q13");
    s.send("m");
    s.wait_for("opens once its card is done");
    let answered = key.items.iter().fold(text, |text, k| {
        netlings::quiz::ask::with_answer(
            &text,
            &k.id,
            &netlings::quiz::ask::answer_literal(&k.answer),
        )
        .unwrap()
    });
    std::fs::write(checkout.path(rel), answered).unwrap();
    s.wait_for("PASS quiz_q13");
    s.send("m");
    let shown = s.wait_for("model answer of Q13").join("\n");
    assert!(!shown.contains("**") && !shown.contains("```"), "{shown}");
    s.send("G");
    s.wait_for("more lines above");
    s.send("q");
    s.wait_for("PASS quiz_q13");
    quit(&mut s);
}

#[test]
fn the_list_views_reset_says_where_the_backup_went() {
    let checkout = Checkout::new();
    std::fs::write(
        checkout.path(".netlings-state.toml"),
        "current = \"quiz_q13\"\n",
    )
    .unwrap();
    let rel = "exercises/06_zeromq/quiz_q13.toml";
    let mine = "# my answers\nquestion = \"q13\"\n";
    std::fs::write(checkout.path(rel), mine).unwrap();
    let mut s = checkout.screen(&[], &[], 80, 24);
    s.wait_for("FAIL quiz_q13");
    s.send("l");
    s.wait_for("netlings · exercises");
    s.send("r");
    s.wait_for("Reset quiz_q13 to its original stub?");
    s.send("y");
    let shown = s.wait_for("kept at .netlings/backups/").join("");
    assert!(
        shown.contains("netlings · exercises"),
        "not in the list view: {shown}"
    );
    let backups: Vec<_> = std::fs::read_dir(checkout.path(".netlings/backups"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(std::fs::read_to_string(backups[0].path()).unwrap(), mine);
    quit(&mut s);
}
