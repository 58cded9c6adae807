#![no_main]
//! The compose parser, overlay merge, `extends`, `include` and interpolation never panic. The
//! input is split at the first NUL into two files that may include each other (and themselves):
//! include is resolved among these in-memory files only, never read from disk.

use golive_facts::compose::{ComposeFile, ComposeFiles, contained_path, var_refs, with_defaults};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_once('\0').unwrap_or((&text, &text));
    let _ = var_refs(a);
    let _ = with_defaults(a);
    let _ = contained_path("infra", a);
    let files = ComposeFiles {
        files: vec![
            ComposeFile::new("docker-compose.yml", a),
            ComposeFile::new("docker-compose.prod.yml", b),
            ComposeFile::new("infra/included.yml", b),
        ],
        ..Default::default()
    };
    for f in &files.files {
        let _ = f.includes();
    }
    let p = files.project(
        &[
            "docker-compose.yml".into(),
            "docker-compose.prod.yml".into(),
        ],
        "fuzz",
    );
    for s in &p.services {
        let _ = s.environment();
    }
    let _ = files.path_refs();
    let _ = files.build_refs();
});
