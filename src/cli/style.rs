//! Colour and progress decisions, made once: colour only on a terminal without NO_COLOR,
//! progress only on an interactive terminal outside CI.

use super::args::ColorChoice;
use std::io::IsTerminal;

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub progress: bool,
    pub quiet: bool,
    pub verbose: bool,
}

impl Style {
    pub fn detect(choice: ColorChoice, quiet: bool, verbose: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let stdout_tty = std::io::stdout().is_terminal();
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stdout_tty && !no_color && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        };
        let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
        let progress = !quiet && !in_ci && std::io::stderr().is_terminal();
        Self {
            color,
            progress,
            quiet,
            verbose,
        }
    }
}
