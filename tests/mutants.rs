//! Every grader is proven by mutants: realistic buggy programs (and hostile
//! ones) under tests/mutants/ that must fail with the check that names their
//! bug, within their deadline, leaving no process behind. And by variants:
//! correct programs written differently from the solution (tokio for
//! threads, std for a crate, blocking for async), which must pass. Every
//! grade runs its checks as its grader's CHECKS list them, in order.

mod common;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use netlings::cargo::{Show, build_package};
use netlings::catalog::Catalog;
use netlings::dev::{MUTANTS_PACKAGE, Mutant, mutants, variants};
use netlings::grade::grade_program;
use netlings::graders::lookup;
use netlings::harness::Limits;
use netlings::report::Status;

/// A hostile program must get its verdict within this (the readiness
/// deadline plus the rest of a grade).
const VERDICT_WITHIN: Duration = Duration::from_secs(45);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mutant_fails_with_the_check_that_names_its_bug() {
    let root = common::repo_root();
    let seed = common::seed();
    let catalog = Catalog::load(&root).expect("exercises.toml loads");
    let mut mutants = mutants(&root).expect("mutant headers parse");
    assert!(mutants.len() >= 30, "only {} mutants", mutants.len());
    // NETLINGS_MUTANTS=ws_ grades only the mutants whose name holds it
    // (or one of several, separated by commas).
    if let Ok(only) = std::env::var("NETLINGS_MUTANTS") {
        mutants.retain(|m| only.split(',').any(|o| m.bin.contains(o)));
        assert!(
            !mutants.is_empty(),
            "no mutant matches NETLINGS_MUTANTS={only}"
        );
    }
    let build = build_package(&root, MUTANTS_PACKAGE, &[], Show::Quiet, None)
        .await
        .expect("cargo runs");
    assert!(
        build.errors.is_empty() && build.cargo_error.is_none(),
        "mutants do not build: {:?} {:?}",
        build.errors,
        build.cargo_error
    );

    let broker = common::broker_up();
    let mut problems: Vec<String> = futures_util::stream::iter(mutants)
        .map(|m| {
            let catalog = &catalog;
            let build = &build;
            let root = &root;
            async move { judge(catalog, build, root, &m, seed, broker).await.err() }
        })
        .buffer_unordered(3)
        .filter_map(|p| async move { p })
        .collect()
        .await;
    // Whatever the mutants did (crashed, hung, declared queues of their
    // own), their grades left nothing on the broker.
    if broker
        && let Some(left) = common::broker_names_of(std::process::id())
        && !left.is_empty()
    {
        problems.push(format!("left on the broker: {left:?}"));
    }
    assert!(
        problems.is_empty(),
        "seed {seed}:\n\n{}",
        problems.join("\n\n")
    );
}

async fn judge(
    catalog: &Catalog,
    build: &netlings::cargo::Build,
    root: &std::path::Path,
    m: &Mutant,
    seed: u64,
    broker: bool,
) -> Result<(), String> {
    let exercise = catalog
        .exercise(&m.of)
        .ok_or_else(|| format!("{}: no exercise `{}`", m.bin, m.of))?;
    let exe = build
        .bins
        .get(&m.bin)
        .ok_or_else(|| format!("{}: not built", m.bin))?;
    let started = Instant::now();
    let report = grade_program(exercise, exe, root, seed, Limits::default()).await;
    let took = started.elapsed();
    if !broker && report.status == Status::Unavailable {
        return Ok(());
    }
    let grader = lookup(&exercise.grader).ok_or_else(|| format!("{}: no grader", m.bin))?;
    let failed = report
        .checks
        .iter()
        .find(|c| c.status != Status::Pass)
        .ok_or_else(|| format!("{} ({}) PASSED {}'s grader", m.bin, m.bug, m.of))?;
    let expected = m.failing_checks();
    let mut problems = Vec::new();
    if let Err(e) = grader.ran_in_order(&report.checks) {
        problems.push(e);
    }
    if !expected.iter().any(|e| failed.name.starts_with(e)) {
        problems.push(format!(
            "failed at `{}` instead of `{}`",
            failed.name, m.fails
        ));
    }
    let message = failed.full_message();
    for word in &m.says {
        if !message.contains(word.as_str()) {
            problems.push(format!("its verdict does not say `{word}`"));
        }
    }
    for word in &m.says_not {
        if message.contains(word.as_str()) {
            problems.push(format!(
                "its verdict says `{word}`, which does not fit its bug"
            ));
        }
    }
    if took > VERDICT_WITHIN {
        problems.push(format!("its verdict took {took:?}"));
    }
    let left = common::processes_running(exe);
    if !left.is_empty() {
        problems.push(format!("processes left running: {left:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} ({}): {}\n--- its verdict ---\n{}: {}\n{message}",
            m.bin,
            m.bug,
            problems.join("; "),
            failed.status.as_str(),
            failed.name
        ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_variant_passes() {
    let root = common::repo_root();
    let seed = common::seed();
    let catalog = Catalog::load(&root).expect("exercises.toml loads");
    let mut variants = variants(&root).expect("variant headers parse");
    assert!(
        !variants.is_empty(),
        "no variants under tests/mutants/variants"
    );
    if let Ok(only) = std::env::var("NETLINGS_MUTANTS") {
        variants.retain(|v| only.split(',').any(|o| v.bin.contains(o)));
    }
    let bins: Vec<String> = variants.iter().map(|v| v.bin.clone()).collect();
    let broker = common::broker_up();
    let build = build_package(&root, MUTANTS_PACKAGE, &bins, Show::Quiet, None)
        .await
        .expect("cargo runs");
    let problems: Vec<String> = futures_util::stream::iter(variants)
        .map(|v| {
            let (catalog, build, root) = (&catalog, &build, &root);
            async move {
                let exercise = catalog.exercise(&v.of)?;
                let Some(exe) = build.bins.get(&v.bin) else {
                    return Some(format!(
                        "{} ({}): does not build: {:?}",
                        v.bin,
                        v.how,
                        build.errors.get(&v.bin)
                    ));
                };
                let report = grade_program(exercise, exe, root, seed, Limits::default()).await;
                if !broker && report.status == Status::Unavailable {
                    return None;
                }
                if report.status != Status::Pass {
                    return Some(format!(
                        "{} ({}) is correct but FAILED:\n{}",
                        v.bin,
                        v.how,
                        netlings::report::human::exercise(&report)
                    ));
                }
                let grader = lookup(&exercise.grader)?;
                grader
                    .ran_all(&report.checks)
                    .err()
                    .map(|e| format!("{} ({}): {e}", v.bin, v.how))
            }
        })
        .buffer_unordered(3)
        .filter_map(|p| async move { p })
        .collect()
        .await;
    assert!(
        problems.is_empty(),
        "seed {seed}:\n\n{}",
        problems.join("\n\n")
    );
}
