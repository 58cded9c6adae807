//! Wiring between arguments and the crates that do the work.

mod args;
mod check;
mod check_checklist;
mod checklist;
mod explain;
mod fleet;
mod import;
mod init;
mod init_checklist;
mod load;
mod rules;
mod style;
// issue 7
mod diff;
mod history;
mod report;
mod signoff;
mod store;

use clap::Parser;

/// Exit codes of every command.
pub const EXIT_READY: i32 = 0;
pub const EXIT_NOT_READY: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

pub fn main() -> i32 {
    let cli = match args::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_READY
            };
        }
    };
    let style = style::Style::detect(cli.color, cli.quiet, cli.verbose);
    match cli.command {
        args::Command::Check(a) => check::run(a, style),
        args::Command::Rules(a) => rules::run(a),
        args::Command::Explain(a) => explain::run(a),
        args::Command::Init(a) if a.from_checklist.is_some() => init_checklist::run(a),
        args::Command::Init(a) => init::run(a, style),
        args::Command::Load(a) => load::run(a, style),
        args::Command::Import(a) => import::run(a),
        args::Command::Signoff(a) => signoff::signoff(a),
        args::Command::Attest(a) => signoff::attest(a),
        args::Command::Waive(a) => signoff::waive(a),
        args::Command::History(a) => history::run(a),
        args::Command::Diff(a) => diff::run(a),
        args::Command::Report(a) => report::run(a, style),
    }
}

/// Prints a one-line error and returns the usage exit code.
pub fn fail_usage(message: impl std::fmt::Display) -> i32 {
    eprintln!("golive: error: {message}");
    EXIT_USAGE
}

/// Runs `write` on `path`, or on standard output, buffered: for reports serialised as they
/// are written.
pub fn emit_with(
    path: Option<&std::path::Path>,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), String> {
    use std::io::Write;
    match path {
        Some(p) => {
            let cannot = |e: std::io::Error| format!("cannot write {}: {e}", p.display());
            let file = std::fs::File::create(p).map_err(cannot)?;
            let mut out = std::io::BufWriter::with_capacity(64 * 1024, file);
            write(&mut out).and_then(|_| out.flush()).map_err(cannot)
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
            match write(&mut out).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write to standard output: {e}")),
            }
        }
    }
}

/// Writes `text` to `path`, or to standard output.
pub fn emit(text: &str, path: Option<&std::path::Path>) -> Result<(), String> {
    match path {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                // A closed pipe (`golive rules | head`) is not an error worth reporting.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write to standard output: {e}")),
            }
        }
    }
}
