use golive_core::{
    Category, Check, CheckCx, CheckDoc, CheckMeta, Findings, Location, Outcome, Severity, Status,
};
use golive_facts::alembic::{AlembicGraph, AlembicRevision};
use std::collections::{BTreeMap, BTreeSet};

pub struct AlembicGraphConsistent;

static META: CheckMeta = CheckMeta {
    code: "OPS003",
    slug: "ops-alembic-graph-consistent",
    category: Category::Database,
    severity: Severity::High,
    summary: "The Alembic migration graph has one head, no dangling down_revision or depends_on, no duplicate ids and no cycle",
    doc: CheckDoc {
        what: "Reads every Alembic migration of the repository (`versions/*.py`: `revision` and \
`down_revision`, merge tuples included) and checks the graph `alembic upgrade head` walks: each \
versions directory has exactly one head (two branches that a merge migration joins are fine); \
every `down_revision` names a revision that exists; no two files share a revision id; no cycle. \
Every `depends_on` entry must be, as written, a revision id or a `branch_labels` label of \
the same repository: Alembic looks it up as it stands, so a prefix or a `label@head` fails \
when the scripts load. A migration file with `def upgrade` but no \
readable `revision` is an error (the graph cannot be decided). A project that keeps several \
bases on purpose can disable the check. Skipped when the repository has no Alembic migrations.",
        why: "Two heads are what two feature branches that each added a migration leave behind \
after they merge: `alembic upgrade head` then stops with \"Multiple head revisions are present\" \
in the middle of the deploy. A `down_revision` pointing at a deleted or mistyped revision, or a \
copied file with the same id, breaks every Alembic command, including the downgrade you need \
during the rollback.",
        fix: "`alembic merge heads -m \"merge\"` for two heads; fix the `down_revision` to the \
parent's id; give a copied migration its own `revision` id.",
        example: "```python\n# versions/b2_add_index.py\nrevision = \"b2\"\ndown_revision = \"a1\"   # fails when versions/c3_*.py also revises \"a1\": two heads\n```",
    },
    params: &[],
    requires: &[],
    keywords: &[
        "alembic heads",
        "single head",
        "multiple heads",
        "down_revision",
        "migration graph",
        "alembic merge heads",
    ],
};

fn loc(r: &AlembicRevision) -> Location {
    Location::line(r.path.clone(), r.line)
}

/// " (did you mean X?)" for an id close to an existing revision's, else "".
fn did_you_mean(g: &AlembicGraph, id: &str) -> String {
    golive_core::suggest::did_you_mean(
        id,
        &g.revisions.keys().map(String::as_str).collect::<Vec<_>>(),
    )
    .map(|s| format!(" (did you mean {s}?)"))
    .unwrap_or_default()
}

fn versions_dir(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// One revision of each cycle of the graph (following down_revision edges).
fn cycles(g: &AlembicGraph) -> Vec<Vec<&AlembicRevision>> {
    // 0 unvisited, 1 on the current path, 2 done.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    let mut found = Vec::new();
    for start in g.revisions.keys() {
        if state.get(start.as_str()).copied().unwrap_or(0) != 0 {
            continue;
        }
        // Iterative DFS: (revision, index of the next parent to visit).
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        state.insert(start.as_str(), 1);
        while let Some((rev, next)) = stack.last().copied() {
            let parents = g
                .revisions
                .get(rev)
                .map(|r| r.down_revisions.as_slice())
                .unwrap_or(&[]);
            if let Some(p) = parents.get(next) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                let Some((pk, _)) = g.revisions.get_key_value(p.as_str()) else {
                    continue; // dangling: reported separately
                };
                match state.get(pk.as_str()).copied().unwrap_or(0) {
                    0 => {
                        state.insert(pk.as_str(), 1);
                        stack.push((pk.as_str(), 0));
                    }
                    1 => {
                        let from = stack
                            .iter()
                            .position(|(r, _)| *r == pk.as_str())
                            .unwrap_or(0);
                        found.push(
                            stack[from..]
                                .iter()
                                .filter_map(|(r, _)| g.revisions.get(*r))
                                .collect(),
                        );
                    }
                    _ => {}
                }
            } else {
                state.insert(rev, 2);
                stack.pop();
            }
        }
    }
    found
}

#[async_trait::async_trait]
impl Check for AlembicGraphConsistent {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    async fn run(&self, cx: &CheckCx<'_>) -> Outcome {
        let g = match cx.facts.get::<AlembicGraph>().await {
            Ok(g) => g,
            Err(e) => return e.outcome(),
        };
        if g.revisions.is_empty() && g.unparsed.is_empty() {
            return Outcome::skipped("the repository has no Alembic migrations (versions/*.py)");
        }
        let mut findings = Findings::new();
        for path in &g.unparsed {
            findings.push(
                Status::Error,
                format!("{path} defines upgrade() but golive cannot read its `revision`"),
                Some(Location::file(path.clone())),
            );
        }
        for d in &g.duplicates {
            let first = g
                .revisions
                .get(&d.revision)
                .map(|r| r.path.as_str())
                .unwrap_or("?");
            findings.fail(
                format!("revision {} is also the id of {first}", d.revision),
                loc(d),
            );
        }
        for r in g.revisions.values() {
            findings.inspected();
            for down in &r.down_revisions {
                if !g.revisions.contains_key(down) {
                    let hint = did_you_mean(&g, down);
                    findings.fail(
                        format!(
                            "revision {} has down_revision {down}, which no migration defines{hint}",
                            r.revision
                        ),
                        loc(r),
                    );
                }
            }
        }
        for r in g.revisions.values() {
            for (dep, line) in r.depends_on.iter().filter(|(d, _)| !g.resolves(d)) {
                let hint = did_you_mean(&g, dep);
                findings.fail(
                    format!(
                        "revision {} depends_on {dep}, which no migration defines as a revision or branch label{hint}",
                        r.revision
                    ),
                    Location::line(r.path.clone(), *line),
                );
            }
        }
        let mut reported: BTreeSet<&str> = BTreeSet::new();
        for c in cycles(&g) {
            if c.iter().any(|r| reported.contains(r.revision.as_str())) {
                continue;
            }
            reported.extend(c.iter().map(|r| r.revision.as_str()));
            let ids: Vec<&str> = c.iter().map(|r| r.revision.as_str()).collect();
            if let Some(first) = c.first() {
                findings.fail(
                    format!("down_revision cycle: {}", ids.join(" -> ")),
                    loc(first),
                );
            }
        }
        let mut heads_by_dir: BTreeMap<&str, Vec<&AlembicRevision>> = BTreeMap::new();
        for h in g.heads() {
            heads_by_dir
                .entry(versions_dir(&h.path))
                .or_default()
                .push(h);
        }
        for (dir, heads) in &heads_by_dir {
            if heads.len() > 1 {
                let ids: Vec<&str> = heads.iter().map(|h| h.revision.as_str()).collect();
                for h in heads {
                    findings.fail(
                        format!(
                            "{dir} has {} heads ({}): `alembic upgrade head` refuses to run",
                            heads.len(),
                            ids.join(", ")
                        ),
                        loc(h),
                    );
                }
            }
        }
        findings.into_outcome(
            format!(
                "{} migration(s) form one line of history per versions directory ({} head(s))",
                g.revisions.len(),
                heads_by_dir.len()
            ),
            "the repository has no Alembic migrations (versions/*.py)",
            "`alembic merge heads` for several heads; fix down_revision and depends_on ids that point nowhere; give copied migrations their own id",
        )
    }
}
