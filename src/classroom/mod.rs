//! Classrooms: grading a student's checkout with this netlings' own graders
//! (`verify --learner`, [`learner`]), and the template repository an
//! instructor hands out as an assignment (`classroom init`, [`template`]).

pub mod learner;
pub mod template;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use crate::app::App;

#[derive(Subcommand)]
pub enum ClassroomCommand {
    /// Write a template repository for a GitHub Classroom assignment: the
    /// stubs and quiz answer files, and a workflow that grades every push
    /// with this netlings at this commit
    Init {
        /// A new (or empty) folder
        dir: PathBuf,
        /// The git URL the workflow fetches netlings from (default: this
        /// checkout's `origin`, else a placeholder to edit)
        #[arg(long, value_name = "URL")]
        netlings_repository: Option<String>,
        /// The commit of netlings the workflow grades with (default: this
        /// checkout's HEAD)
        #[arg(long, value_name = "SHA")]
        netlings_commit: Option<String>,
    },
}

pub fn run(app: &App, cmd: ClassroomCommand) -> Result<ExitCode> {
    match cmd {
        ClassroomCommand::Init {
            dir,
            netlings_repository,
            netlings_commit,
        } => {
            let written = template::init(
                &app.ws.root,
                &app.catalog,
                &template::Init {
                    dir: dir.clone(),
                    repository: netlings_repository,
                    commit: netlings_commit,
                },
            )?;
            crate::outln!(
                "wrote {} files to {}: {} exercises, graded on every push by netlings {} from {}",
                written.files,
                dir.display(),
                app.catalog.exercises.len(),
                &written.commit[..12],
                written.repository
            );
            for note in &written.notes {
                eprintln!("note: {note}");
            }
            crate::outln!(
                "Next: push it to GitHub, make it a template repository, and create the \
                 assignment from it (README.md, \"In a classroom\")."
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
