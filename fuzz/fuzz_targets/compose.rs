#![no_main]
//! The compose parser, overlay merge, `extends` and interpolation never panic.

use golive_facts::compose::{ComposeFile, ComposeFiles, parse_yaml, var_refs, with_defaults};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = var_refs(&text);
    let _ = with_defaults(&text);
    let (root, error) = match parse_yaml(&text, "docker-compose.yml") {
        Ok(n) => (Some(n), None),
        Err(e) => (None, Some(e)),
    };
    let files = ComposeFiles {
        files: vec![
            ComposeFile { rel: "docker-compose.yml".into(), root: root.clone(), error: error.clone() },
            ComposeFile { rel: "docker-compose.prod.yml".into(), root, error },
        ],
        ..Default::default()
    };
    let p = files.project(&["docker-compose.yml".into(), "docker-compose.prod.yml".into()], "fuzz");
    for s in &p.services {
        let _ = s.environment();
    }
    let _ = files.path_refs();
    let _ = files.build_refs();
});
