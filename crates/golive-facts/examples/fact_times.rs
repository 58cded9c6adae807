//! Collects the static facts of a tree one after another and prints each one's wall time, so a
//! slow collector shows without the overlap of a real run:
//! `cargo run --release -p golive-facts --example fact_times -- /path/to/tree`.
//! A fact that needs another (the manifests need the index) is timed without it: every
//! dependency is collected first.

use golive_core::{Fact, Facts, RunEnv};
use golive_facts::*;
use std::time::Instant;

#[path = "support/cpu.rs"]
mod support_cpu;
use support_cpu::cpu;

async fn time<T: Fact>(facts: &Facts, name: &str) {
    let t = Instant::now();
    let c = cpu();
    let ok = facts.get::<T>().await.is_ok();
    println!(
        "{name:<14} {:>8.1} ms wall {:>8.1} ms cpu{}",
        t.elapsed().as_secs_f64() * 1000.0,
        (cpu() - c) * 1000.0,
        if ok { "" } else { "  (error)" }
    );
}

#[tokio::main]
async fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let facts = Facts::new(RunEnv {
        root: root.into(),
        ..RunEnv::default()
    });
    let t = Instant::now();
    time::<repo_index::RepoIndex>(&facts, "RepoIndex").await;
    time::<git::GitFiles>(&facts, "GitFiles").await;
    time::<manifests::Manifests>(&facts, "Manifests").await;
    time::<secrets_scan::SecretScan>(&facts, "SecretScan").await;
    time::<docs::RepoDocs>(&facts, "RepoDocs").await;
    time::<file_refs::FileRefs>(&facts, "FileRefs").await;
    time::<rule_files::RuleFiles>(&facts, "RuleFiles").await;
    time::<compose::ComposeFiles>(&facts, "ComposeFiles").await;
    time::<dockerfile::Dockerfiles>(&facts, "Dockerfiles").await;
    time::<env_files::EnvFiles>(&facts, "EnvFiles").await;
    time::<contract::CodeReads>(&facts, "CodeReads").await;
    time::<contract::DeploySets>(&facts, "DeploySets").await;
    time::<env_reads::EnvReads>(&facts, "EnvReads").await;
    time::<deps::Dependencies>(&facts, "Dependencies").await;
    time::<ci::CiConfig>(&facts, "CiConfig").await;
    time::<alembic::AlembicGraph>(&facts, "AlembicGraph").await;
    println!(
        "total          {:>8.1} ms wall {:>8.1} ms cpu",
        t.elapsed().as_secs_f64() * 1000.0,
        cpu() * 1000.0
    );
}
