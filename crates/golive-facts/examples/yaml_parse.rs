//! Times `yaml_tree::parse_documents` over the YAML files named on standard input (one path per
//! line): `find tree -name '*.yaml' | cargo run --release -p golive-facts --example yaml_parse`.

use std::io::BufRead;
use std::time::Instant;

fn main() {
    let texts: Vec<String> = std::io::stdin()
        .lock()
        .lines()
        .map_while(Result::ok)
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let t = Instant::now();
    let mut docs = 0usize;
    let mut errors = 0usize;
    for text in &texts {
        match golive_facts::yaml_tree::parse_documents(text) {
            Ok(d) => docs += d.len(),
            Err(_) => errors += 1,
        }
    }
    let dt = t.elapsed().as_secs_f64();
    println!(
        "{} files, {:.1} MB, {docs} documents, {errors} errors: {:.3} s, {:.1} MB/s",
        texts.len(),
        bytes as f64 / 1e6,
        dt,
        bytes as f64 / 1e6 / dt
    );
}
