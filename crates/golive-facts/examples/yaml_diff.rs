//! Holds the YAML fast path to granit-parser on a real tree: every YAML file, and every Helm
//! template approximated with its chart's values, is parsed both ways; any difference in the
//! trees (values or lines) is printed. Also times both parsers on the same texts.
//! `cargo run --release -p golive-facts --example yaml_diff -- /path/to/tree`

use golive_facts::helm::{HelmContext, render};
use golive_facts::yaml_tree::{parse_fast_only, parse_with_granit};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut texts: Vec<(String, String)> = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let name = f.display().to_string();
        let in_templates = f.components().any(|c| c.as_os_str() == "templates");
        if in_templates {
            // The chart is the directory above `templates/`.
            let mut chart = f.parent();
            while let Some(c) = chart {
                if c.file_name().is_some_and(|n| n == "templates") {
                    break;
                }
                chart = c.parent();
            }
            let values = chart
                .and_then(|c| c.parent())
                .and_then(|c| std::fs::read_to_string(c.join("values.yaml")).ok())
                .and_then(|v| parse_with_granit(&v).ok())
                .and_then(|mut d| (!d.is_empty()).then(|| d.remove(0)));
            let cx = HelmContext {
                values,
                chart_name: "chart".into(),
                chart_version: "1.0.0".into(),
                app_version: "1.0.0".into(),
            };
            texts.push((format!("{name} (rendered)"), render(&text, &cx).text));
        } else {
            texts.push((name, text));
        }
    }
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let (mut fast_ok, mut bailed, mut mismatches) = (0, 0, 0);
    let mut bailed_bytes = 0usize;
    for (name, text) in &texts {
        if let Some(want) = std::env::var_os("DUMP_NAME")
            && name.contains(want.to_string_lossy().as_ref())
        {
            let _ = std::fs::write("/tmp/dump.yaml", text);
        }
        let reference = parse_with_granit(text);
        match parse_fast_only(text) {
            None => {
                bailed += 1;
                bailed_bytes += text.len();
                if std::env::var_os("SHOW_BAILS").is_some() {
                    let line = golive_facts::yaml_tree::fast_path_stop(text).unwrap_or(0);
                    let shown = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
                    let shown: String = shown.chars().take(100).collect();
                    println!("bail: {name}:{line}: {shown}");
                }
            }
            Some(docs) => {
                fast_ok += 1;
                match reference {
                    // Compared as printed: `.nan` is not equal to itself.
                    Ok(r) if format!("{r:?}") == format!("{docs:?}") => {}
                    Ok(r) => {
                        mismatches += 1;
                        if let Some(dir) = std::env::var_os("DUMP_MISMATCHES") {
                            let file =
                                PathBuf::from(dir).join(format!("mismatch-{mismatches}.yaml"));
                            let _ = std::fs::write(file, text);
                        }
                        println!("MISMATCH {name}");
                        let (a, b) = (format!("{docs:#?}"), format!("{r:#?}"));
                        for (x, y) in a.lines().zip(b.lines()) {
                            if x != y {
                                println!("  fast:    {x}\n  granit:  {y}");
                                break;
                            }
                        }
                    }
                    Err(e) => {
                        mismatches += 1;
                        println!("MISMATCH {name}: fast parsed, granit says {e}");
                    }
                }
            }
        }
    }
    let t = Instant::now();
    for (_, text) in &texts {
        let _ = parse_with_granit(text);
    }
    let granit = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for (_, text) in &texts {
        let _ = golive_facts::yaml_tree::parse_documents(text);
    }
    let both = t.elapsed().as_secs_f64();
    let accepted: Vec<&str> = texts
        .iter()
        .map(|(_, t)| t.as_str())
        .filter(|t| parse_fast_only(t).is_some())
        .collect();
    let abytes: usize = accepted.iter().map(|t| t.len()).sum();
    let t = Instant::now();
    let rounds = if std::env::var_os("FAST_ROUNDS").is_some() {
        20
    } else {
        1
    };
    for _ in 0..rounds {
        for text in &accepted {
            let _ = parse_fast_only(text);
        }
    }
    let fast = t.elapsed().as_secs_f64() / rounds as f64;
    let t = Instant::now();
    for text in &accepted {
        let _ = parse_with_granit(text);
    }
    let slow = t.elapsed().as_secs_f64();
    println!(
        "on the {:.1} MB the fast path takes: fast {fast:.3} s ({:.0} MB/s), granit {slow:.3} s ({:.0} MB/s)",
        abytes as f64 / 1e6,
        abytes as f64 / 1e6 / fast,
        abytes as f64 / 1e6 / slow
    );
    println!(
        "{} texts, {:.1} MB: fast path took {fast_ok}, left {bailed} ({:.1} MB) to granit, {mismatches} mismatches",
        texts.len(),
        bytes as f64 / 1e6,
        bailed_bytes as f64 / 1e6
    );
    println!(
        "granit alone {granit:.3} s ({:.0} MB/s); with the fast path {both:.3} s ({:.0} MB/s)",
        bytes as f64 / 1e6 / granit,
        bytes as f64 / 1e6 / both
    );
}
