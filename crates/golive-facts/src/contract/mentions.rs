//! Variables used where golive has no parser: shell scripts and Dockerfiles (`${FRONTEND_ADDR}`
//! in an entrypoint), and the environment APIs of Java, Kotlin, C#, Ruby and PHP
//! (`System.getenv("X")`, `Configuration["X"]`, `ENV["X"]`, `getenv('X')`). Found by pattern,
//! they only count as "something reads it" (CONTRACT002); they are not requirements
//! (CONTRACT001), since a pattern cannot tell a default.

use crate::repo_index::{FileKind, IndexedFile, Language};
use regex::Regex;
use std::sync::LazyLock;

/// A variable a file uses, by pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvMention {
    pub name: String,
    pub file: String,
    pub line: u32,
}

/// `$X`, `${X}`, `${X:-d}` of a shell, a Dockerfile.
static SHELL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)").ok());

/// The environment APIs of the languages without a parser here, and Spring's `${X}`.
static API: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"(?:System\.getenv\(|GetEnvironmentVariable\(|[Cc]onfiguration\[|GetValue<[^>]{1,40}>\("#,
        r#"|\bENV\[|\bENV\.fetch\(|\bgetenv\(|\$_ENV\[|\$_SERVER\[|\benv\()\s*["']"#,
        r#"([A-Za-z_][A-Za-z0-9_]*)["']|\$\{([A-Za-z_][A-Za-z0-9_]*)[:}]"#
    ))
    .ok()
});

/// Whether [`scan`] reads `f`.
pub fn wanted(f: &IndexedFile) -> bool {
    matches!(
        f.kind,
        FileKind::Dockerfile
            | FileKind::Source(
                Language::Shell
                    | Language::Java
                    | Language::Kotlin
                    | Language::CSharp
                    | Language::Ruby
                    | Language::Php
            )
    )
}

/// The variables `text` (the file `f`) uses, each name once per file, at its first line.
pub fn scan(f: &IndexedFile, text: &str, out: &mut Vec<EnvMention>) {
    let shell_like = matches!(
        f.kind,
        FileKind::Dockerfile | FileKind::Source(Language::Shell)
    );
    let Some(re) = (if shell_like { &*SHELL } else { &*API }).as_ref() else {
        return;
    };
    let before = out.len();
    let mut line = 1u32;
    let mut counted = 0usize;
    for c in re.captures_iter(text) {
        let Some(m) = c.get(1).or_else(|| c.get(2)) else {
            continue;
        };
        let name = m.as_str();
        if out[before..].iter().any(|e| e.name == name) {
            continue;
        }
        line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted..m.start()]).count() as u32;
        counted = m.start();
        out.push(EnvMention {
            name: name.to_string(),
            file: f.rel.clone(),
            line,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(rel: &str, kind: FileKind, text: &str) -> Vec<(String, u32)> {
        let f = IndexedFile {
            rel: rel.to_string(),
            kind,
            size: text.len() as u64,
        };
        let mut out = Vec::new();
        scan(&f, text, &mut out);
        out.into_iter().map(|m| (m.name, m.line)).collect()
    }

    #[test]
    fn entrypoints_and_scripts_use_their_variables() {
        let docker = "FROM python:3.12\nENTRYPOINT locust --host=\"http://${FRONTEND_ADDR}\" -u \"${USERS:-10}\" -r $RATE\n";
        assert_eq!(
            names("Dockerfile", FileKind::Dockerfile, docker),
            [
                ("FRONTEND_ADDR".into(), 2),
                ("USERS".into(), 2),
                ("RATE".into(), 2)
            ]
        );
        let sh = "#!/bin/sh\nset -e\n\nexec gunicorn -b \"0.0.0.0:$PORT\"\n";
        assert_eq!(
            names("run.sh", FileKind::Source(Language::Shell), sh),
            [("PORT".into(), 4)]
        );
    }

    #[test]
    fn other_languages_by_their_environment_apis() {
        let cs = "var redis = Configuration[\"REDIS_ADDR\"];\nvar x = Environment.GetEnvironmentVariable(\"SPANNER_PROJECT\");\n";
        assert_eq!(
            names("Startup.cs", FileKind::Source(Language::CSharp), cs),
            [("REDIS_ADDR".into(), 1), ("SPANNER_PROJECT".into(), 2)]
        );
        let java = "String p = System.getenv(\"PORT\");\n@Value(\"${GREETING:hello}\") String g;\n";
        assert_eq!(
            names("App.java", FileKind::Source(Language::Java), java),
            [("PORT".into(), 1), ("GREETING".into(), 2)]
        );
        let rb = "url = ENV.fetch('DATABASE_URL')\nkey = ENV[\"SECRET_KEY_BASE\"]\n";
        assert_eq!(
            names("config.rb", FileKind::Source(Language::Ruby), rb),
            [("DATABASE_URL".into(), 1), ("SECRET_KEY_BASE".into(), 2)]
        );
        // Not a read: a plain string that happens to look like a name.
        assert!(names("A.java", FileKind::Source(Language::Java), "log(\"PORT\");").is_empty());
    }
}
