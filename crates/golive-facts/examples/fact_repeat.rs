//! Times one static collector many times over the same repository index, so a change to that
//! collector shows through the noise of a shared machine:
//! `cargo run --release -p golive-facts --example fact_repeat -- TREE secrets|docs|manifests|filerefs|index|none [N]`.
//! Prints the best and the median CPU time (user plus system, every thread) of N runs. On a
//! noisy machine, count instructions instead: `valgrind --tool=cachegrind --cache-sim=no` with
//! N=1, minus the same with `none`.

use golive_facts::*;
use std::path::Path;

// The allocator of the golive binary: allocation is a large part of some collectors' time.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/cpu.rs"]
mod support_cpu;
use support_cpu::cpu;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(root), Some(which)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: fact_repeat TREE secrets|docs|manifests|filerefs|index|none [N]");
        std::process::exit(2);
    };
    let n: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(15);
    let root = Path::new(root);
    let index = match repo_index::RepoIndex::build(root) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let docs = docs::RepoDocs::build(&index);
    let mut times = Vec::new();
    for _ in 0..n {
        let c = cpu();
        let size = match which.as_str() {
            "secrets" => secrets_scan::SecretScan::scan(&index).hits.len(),
            "docs" => docs::RepoDocs::build(&index).docs.len(),
            "manifests" => manifests::Manifests::discover(&index, &[]).objects.len(),
            "filerefs" => file_refs::FileRefs::build(&index, Some(&docs)).refs.len(),
            // The set-up alone (index and docs), to subtract from an instruction count.
            "none" => 0,
            "index" => repo_index::RepoIndex::build(root).map_or(0, |i| i.files.len()),
            other => {
                eprintln!("unknown collector {other}");
                std::process::exit(2);
            }
        };
        times.push(((cpu() - c) * 1000.0, size));
    }
    let size = times[0].1;
    let mut ms: Vec<f64> = times.into_iter().map(|t| t.0).collect();
    ms.sort_by(f64::total_cmp);
    println!(
        "{which}: best {:.1} ms cpu, median {:.1} ms cpu over {n} runs ({size} items)",
        ms[0],
        ms[n / 2]
    );
}
