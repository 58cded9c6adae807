//! golive: verify a production-readiness checklist and gate the deploy.

mod cli;

fn main() {
    let code = cli::main();
    std::process::exit(code);
}
