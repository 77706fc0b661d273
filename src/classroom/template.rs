//! `netlings classroom init DIR`: the template repository of an assignment.
//!
//! It holds what a student edits - the stubs, the files listed next to them,
//! the quiz answer files - with the topic READMEs, a README for students,
//! and `.github/workflows/netlings.yml`, which grades every push with
//! netlings itself, checked out at the commit that wrote the template: the
//! graders, peers, solutions and curriculum are never the student's. No
//! solution and no model answer is in it.
//!
//! The files are those of that commit (`git show`), so the stubs a student
//! gets are the ones its graders expect; outside a git checkout, the stubs
//! as this netlings shipped them.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::catalog::Catalog;
use crate::workspace::Workspace;

/// Where the workflow fetches netlings from, until the instructor says
/// (README.md, "In a classroom").
pub const PLACEHOLDER_REPOSITORY: &str = "https://github.com/YOUR-ORGANISATION/netlings";

/// The workflow, with `{repository}`, `{commit}` filled in.
const WORKFLOW: &str = include_str!("netlings.yml");
/// The students' README, with `{repository}`, `{commit}`, `{short}` and
/// `{exercises}` filled in.
const README: &str = include_str!("student-readme.md");

pub struct Init {
    pub dir: PathBuf,
    /// The git URL the workflow fetches netlings from.
    pub repository: Option<String>,
    /// The commit of netlings the workflow grades with.
    pub commit: Option<String>,
}

/// What `init` wrote, to tell the instructor.
pub struct Written {
    pub files: usize,
    pub repository: String,
    pub commit: String,
    /// Warnings: a placeholder repository, uncommitted changes.
    pub notes: Vec<String>,
}

pub fn init(root: &Path, catalog: &Catalog, args: &Init) -> Result<Written> {
    let mut notes = Vec::new();
    if std::fs::read_dir(&args.dir).is_ok_and(|mut d| d.next().is_some()) {
        bail!(
            "{} is not empty: netlings writes a template only into a new or empty folder",
            args.dir.display()
        );
    }
    let head = git(root, &["rev-parse", "HEAD"]);
    let commit = match (&args.commit, &head) {
        (Some(c), _) => c.clone(),
        (None, Some(h)) => h.clone(),
        (None, None) => bail!(
            "{} is not a git checkout, so netlings cannot tell which commit the workflow \
             should grade with: pass --netlings-commit SHA (a commit of the repository the \
             workflow fetches netlings from)",
            root.display()
        ),
    };
    if !(commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit())) {
        bail!("--netlings-commit must be a full commit id (40 hexadecimal digits), not `{commit}`");
    }
    if head.as_deref() == Some(commit.as_str())
        && let Some(changes) = git(
            root,
            &[
                "status",
                "--porcelain",
                "--",
                "src",
                "exercises.toml",
                "proto",
                "solutions",
                "Cargo.toml",
                "Cargo.lock",
            ],
        )
        && !changes.is_empty()
    {
        notes.push(format!(
            "this checkout has uncommitted changes to netlings; the workflow grades with commit {commit}, without them:\n{changes}"
        ));
    }
    let repository = match &args.repository {
        Some(r) => r.clone(),
        None => match git(root, &["remote", "get-url", "origin"]).and_then(|u| public_url(&u)) {
            Some(url) => url,
            None => {
                notes.push(format!(
                    "the workflow fetches netlings from {PLACEHOLDER_REPOSITORY}: put your copy's URL there \
                     (NETLINGS_REPOSITORY in .github/workflows/netlings.yml), or pass --netlings-repository URL"
                ));
                PLACEHOLDER_REPOSITORY.to_string()
            }
        },
    };
    let at_commit = git(root, &["cat-file", "-e", &format!("{commit}^{{commit}}")]).is_some();
    if !at_commit {
        notes.push(format!(
            "commit {commit} is not in this checkout: the stubs are those this netlings shipped"
        ));
    }
    let mut files = Vec::new();
    for topic in &catalog.topics {
        files.push(Path::new("exercises").join(&topic.id).join("README.md"));
    }
    for exercise in &catalog.exercises {
        files.extend(Workspace::learner_files(exercise));
    }
    let mut written = 0;
    for rel in &files {
        let bytes = if at_commit {
            git_bytes(root, &["show", &format!("{commit}:{}", rel.display())])
        } else {
            Workspace::original(rel).map(|t| t.as_bytes().to_vec())
        };
        let Some(bytes) = bytes else {
            bail!("netlings has no {} at commit {commit}", rel.display());
        };
        write(&args.dir.join(rel), &bytes)?;
        written += 1;
    }
    let fill = |text: &str| {
        text.replace("{repository}", &repository)
            .replace("{commit}", &commit)
            .replace("{short}", &commit[..12])
            .replace("{exercises}", &catalog.exercises.len().to_string())
    };
    write(
        &args.dir.join(".github/workflows/netlings.yml"),
        fill(WORKFLOW).as_bytes(),
    )?;
    write(&args.dir.join("README.md"), fill(README).as_bytes())?;
    Ok(Written {
        files: written + 2,
        repository,
        commit,
        notes,
    })
}

/// An https URL for a remote (`git@github.com:o/r.git` too), or nothing for
/// a local path.
fn public_url(remote: &str) -> Option<String> {
    if remote.starts_with("https://") {
        return Some(remote.to_string());
    }
    let (host, path) = remote.strip_prefix("git@")?.split_once(':')?;
    Some(format!("https://{host}/{path}"))
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    git_bytes(root, args).map(|b| String::from_utf8_lossy(&b).trim().to_string())
}

fn git_bytes(root: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn remotes_become_public_urls() {
        assert_eq!(
            super::public_url("git@github.com:acme/netlings.git").as_deref(),
            Some("https://github.com/acme/netlings.git")
        );
        assert_eq!(super::public_url("/srv/git/netlings"), None);
    }
}
