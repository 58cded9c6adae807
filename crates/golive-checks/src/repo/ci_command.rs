//! The shared verdict of the CI checks: a command of the wanted kind, located, or a failure
//! that names the CI files read.

use golive_core::{Location, Outcome};
use golive_facts::CiConfig;
use golive_facts::ci::CiCommand;

/// `what` is the kind of command (`tests`, `a linter`); `found` the first one seen.
pub fn verdict(ci: &CiConfig, found: Option<&CiCommand>, what: &str, fix: &str) -> Outcome {
    if ci.files.is_empty() {
        return Outcome::fail("no CI configuration found").fix(fix);
    }
    match found {
        Some(c) => Outcome::pass(format!("CI runs {what}: `{}`", c.text))
            .at(Location::line(c.rel.clone(), c.line)),
        None => Outcome::fail(format!("none of {} runs {what}", ci.files.join(", ")))
            .with_locations(ci.files.iter().map(|f| Location::file(f.clone())))
            .fix(fix),
    }
}
