//! golive: verify a production-readiness checklist and gate the deploy.

mod alloc;
mod cli;

// A static run allocates millions of small strings and tree nodes across threads (parsed YAML,
// markdown, source files); mimalloc serves that pattern with less contention than glibc's malloc.
#[global_allocator]
static ALLOC: alloc::Alloc = alloc::Alloc;

fn main() {
    let code = cli::main();
    std::process::exit(code);
}
