//! The automatic binder. It knows no check by name: everything comes from each check's
//! metadata — its `keywords` (classified by shape: variables, `KEY=value` assignments, paths,
//! headers, files, commands and settings, phrases, words), its slug's domain, and its
//! parameters' names and units. See CONTRIBUTING.md, "Keywords for the binder".
//!
//! Scoring, per check: a keyword that meets a concrete subject of the item (an inline code
//! span or an upper-case variable in the text) scores 3; a phrase found in the item's words
//! scores 2 (1.5 when it needs the section's words); an upper-case word (`CORS`) 1.5; a single
//! word 1; the check's domain (its slug's first part) in the section adds 1. A check binds at
//! 3 or more. Each subject goes to the best-scoring checks that claim it. When in doubt the
//! item stays manual and the reason says why.

use super::binding::{Bound, Explicit, validate};
use super::features::{self, Dir, Quantity, Shape, contains_seq, param_unit, quantities, words};
use super::{Checklist, Item, ItemKind};
use crate::check::Check;
use crate::config::InputError;
use crate::params::{ParamKind, ParamValue};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// What the binder needs besides the registry.
#[derive(Clone, Copy, Default)]
pub struct BinderOptions {
    /// The generic "variable has value" check (params `name`, `value`, `absent`, `not`), used
    /// for an item that names a variable no dedicated check is about.
    pub fallback: Option<&'static dyn Check>,
}

/// How an item is answered.
#[derive(Debug, Clone)]
pub enum Decision {
    Bound(Vec<Bound>),
    Manual(String),
    Group,
}

#[derive(Debug, Clone)]
pub struct ItemBinding {
    pub decision: Decision,
    /// From a `<!-- golive: ... -->` comment rather than the binder.
    pub explicit: bool,
}

/// Binds every item: explicit comments are validated (the first error is returned, at its
/// file and line), the rest go through the binder.
pub fn bind_checklist(
    cl: &Checklist,
    registry: &[&'static dyn Check],
    opts: BinderOptions,
    file: &str,
) -> Result<Vec<ItemBinding>, InputError> {
    cl.items
        .iter()
        .map(|item| {
            if let Some(e) = &item.explicit {
                return explicit_decision(e, item, registry, file);
            }
            Ok(ItemBinding {
                decision: bind_item(item, registry, opts),
                explicit: false,
            })
        })
        .collect()
}

fn explicit_decision(
    e: &Explicit,
    item: &Item,
    registry: &[&'static dyn Check],
    file: &str,
) -> Result<ItemBinding, InputError> {
    let bound = validate(e, registry, file)?;
    let decision = if e.manual {
        Decision::Manual("marked manual by its binding comment".into())
    } else if item.kind == ItemKind::Group && bound.is_empty() {
        Decision::Group
    } else {
        Decision::Bound(bound)
    };
    Ok(ItemBinding {
        decision,
        explicit: true,
    })
}

#[derive(Debug, Clone)]
struct Subject {
    shape: Shape,
    text: String,
    /// `NAME` is NOT set / is absent.
    absent: bool,
    /// `NAME` is NOT `value`.
    not_value: Option<String>,
}

impl Subject {
    /// A concrete thing the item is about, which some check must verify for the item to be bound.
    fn concrete(&self) -> bool {
        match &self.shape {
            Shape::Assign { key, .. } => key.chars().any(|c| c.is_ascii_alphabetic()),
            Shape::Name { has_underscore, .. } => *has_underscore,
            Shape::Path(_) | Shape::Header { .. } | Shape::File(_) => true,
            Shape::Words(w) => {
                w.len() >= 2 && w[0].chars().all(|c| c.is_ascii_alphabetic()) && w[0].len() > 1
            }
            Shape::Word(_) => false,
        }
    }
    fn key(&self) -> Option<&str> {
        match &self.shape {
            Shape::Assign { key, .. } => Some(key),
            Shape::Name { name, .. } => Some(name),
            _ => None,
        }
    }
}

fn rx(cell: &'static OnceLock<regex::Regex>, pat: &str) -> &'static regex::Regex {
    cell.get_or_init(|| regex::Regex::new(pat).unwrap_or_else(|_| unreachable!()))
}

const HUMAN: &[&str] = &[
    "approval",
    "approve",
    "approved",
    "sign-off",
    "signoff",
    "sign off",
    "signed off",
    "stakeholder",
    "notified",
    "communicated",
    "on-call",
    "oncall",
    "escalation",
    "review",
    "reviewed",
    "drill",
    "feedback",
    "training",
    "decide",
    "agreed",
    "meeting",
    "lessons learned",
    "manually",
    "walkthrough",
    "interview",
    "announce",
];

const JUDGEMENT: &[&str] = &[
    "rotate",
    "rotated",
    "appropriate",
    "appropriately",
    "correctly",
    "intended",
    "for expected",
    "adequate",
    "acceptable",
    "optimized",
    "optimised",
    "tuned",
    "sized",
    "reasonable",
    "properly",
    "sufficient",
    "as needed",
    "if needed",
    "if applicable",
    "where appropriate",
    "accurate",
    "reflects",
    "points to",
    "if any",
    "if used",
    "if possible",
    "preferred",
    "recommended",
];

const CLAIMS_MORE: &[&str] = &[
    "match", "matches", "contains", "contain", "points", "resolves", "only", "unique", "rotated",
    "strong",
];

const PRESENCE: &[&str] = &[
    "set",
    "defined",
    "present",
    "configured",
    "provided",
    "populated",
    "exported",
    "exist",
];

fn find_marker<'a>(text_lower: &str, list: &[&'a str]) -> Option<&'a str> {
    let w = words(text_lower);
    list.iter().copied().find(|m| {
        if m.contains(' ') || m.contains('-') {
            let mw = words(m);
            contains_seq(&w, &mw) || text_lower.contains(m)
        } else {
            w.iter().any(|x| x == &features::stem(m))
        }
    })
}

fn subjects(item: &Item) -> Vec<Subject> {
    static SET_TO: OnceLock<regex::Regex> = OnceLock::new();
    static NOT_SET: OnceLock<regex::Regex> = OnceLock::new();
    static NOT_VAL: OnceLock<regex::Regex> = OnceLock::new();
    static SEE: OnceLock<regex::Regex> = OnceLock::new();
    static PROSE_ASSIGN: OnceLock<regex::Regex> = OnceLock::new();
    static PROSE_NAME: OnceLock<regex::Regex> = OnceLock::new();
    let raw = &item.text;
    let mut out: Vec<Subject> = Vec::new();
    let mut skip: Vec<String> = Vec::new();
    for c in rx(
        &SEE,
        r"(?i)\b(see|cf\.|per|referenced by|in|from|into)\s+`([^`]+)`",
    )
    .captures_iter(raw)
    {
        // `see x.py` is a reference; `in .env.production` says where, for files only.
        let where_word = matches!(c[1].to_ascii_lowercase().as_str(), "in" | "from" | "into");
        if !where_word || matches!(features::shape(&c[2]), Shape::File(_)) {
            skip.push(c[2].to_string());
        }
    }
    for c in rx(
        &SET_TO,
        r"`([A-Z][A-Z0-9_]*)`\s+(?:is\s+|are\s+)?(?:set\s+to|=|equals?)\s+`([^`]+)`",
    )
    .captures_iter(raw)
    {
        out.push(Subject {
            text: format!("{}={}", &c[1], &c[2]),
            shape: Shape::Assign {
                key: c[1].to_string(),
                value: c[2].trim().to_string(),
            },
            absent: false,
            not_value: None,
        });
        skip.push(c[1].to_string());
        skip.push(c[2].to_string());
    }
    let absent: Vec<String> = rx(
        &NOT_SET,
        r"(?i)`([A-Z][A-Z0-9_]*)`\s+(?:is\s+)?(?:not\s+(?:set|defined|present)|unset|absent)",
    )
    .captures_iter(raw)
    .map(|c| c[1].to_string())
    .collect();
    let mut not_values: Vec<(String, String)> = Vec::new();
    for c in rx(
        &NOT_VAL,
        r"`([A-Z][A-Z0-9_]*)`\s+(?:is\s+)?(?:NOT|not)\s+`([^`]+)`",
    )
    .captures_iter(raw)
    {
        not_values.push((c[1].to_string(), c[2].to_string()));
        skip.push(c[2].to_string());
    }
    let push = |text: &str, out: &mut Vec<Subject>| {
        let t = text.trim();
        if t.is_empty() || skip.iter().any(|s| s == t) || out.iter().any(|s| s.text == t) {
            return;
        }
        let shape = features::shape(t);
        let key = match &shape {
            Shape::Name { name, .. } => Some(name.clone()),
            _ => None,
        };
        out.push(Subject {
            text: t.to_string(),
            absent: key.as_ref().is_some_and(|k| absent.contains(k)),
            not_value: key.as_ref().and_then(|k| {
                not_values
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.clone())
            }),
            shape,
        });
    };
    for c in &item.code {
        push(c, &mut out);
    }
    // "Don't set `DEBUG=true`", "never `X=1`": the item asks for the opposite.
    static NEG: OnceLock<regex::Regex> = OnceLock::new();
    for c in rx(&NEG, r"(?i)\b(?:don'?t|do not|never|no|not|avoid|must not|mustn'?t|without)\s+(?:[A-Za-z]+\s+){0,2}`([^`]+)`").captures_iter(raw) {
        for sub in out.iter_mut() {
            if sub.text == c[1].trim()
                && let Shape::Assign { value, .. } = &sub.shape
            {
                sub.not_value = Some(value.clone());
            }
        }
    }
    let full = item.full_plain();
    for c in rx(&PROSE_ASSIGN, r"\b([A-Z][A-Z0-9_]*)=([A-Za-z0-9_.:/-]+)").captures_iter(&full) {
        let t = c[0].trim_end_matches(['.', ':', ',', ';']);
        if !out.iter().any(|s| s.text.contains(t)) {
            push(t, &mut out);
        }
    }
    for m in rx(&PROSE_NAME, r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]\b").find_iter(&full) {
        // Not a part of a path or file name (`docs/DISASTER_RECOVERY.md`).
        let before = full[..m.start()].chars().next_back();
        let after = full[m.end()..].chars().next();
        let rest = &full[m.end()..];
        let inside_path =
            matches!(after, Some('.' | '/' | '-')) && rest.len() > 1 && !rest.starts_with(". ");
        if matches!(before, Some('/' | '.' | '-')) || inside_path {
            continue;
        }
        if !out.iter().any(|s| s.key() == Some(m.as_str())) {
            push(m.as_str(), &mut out);
        }
    }
    out
}

#[derive(Debug, Default, Clone)]
struct Score {
    /// Points that need no subject (phrases, words, prose paths and headers, domain).
    loose: f64,
    /// Subject index -> (points, keyword that met it).
    subjects: BTreeMap<usize, (f64, String)>,
    /// The best loose evidence, for the reason.
    loose_why: Vec<String>,
    params: BTreeMap<String, ParamValue>,
    /// Consumed a value the item states (an assignment value or a quantity).
    anchored: bool,
    /// Subjects whose stated value this check cannot verify.
    rejected: Vec<usize>,
    /// Assignments this check accepts as one of a family (`NODE_ENV=production` for a check
    /// about the environment name in whichever variable): the variable itself is verified too.
    family: Vec<usize>,
}

impl Score {
    fn total(&self) -> f64 {
        self.loose + self.subjects.values().map(|(p, _)| p).sum::<f64>()
    }
}

fn bool_of(v: &str) -> Option<bool> {
    match v
        .trim()
        .trim_matches(['"', '\''])
        .to_ascii_lowercase()
        .as_str()
    {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

fn values_equal(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
        || matches!((bool_of(a), bool_of(b)), (Some(x), Some(y)) if x == y)
}

fn score_check(
    check: &'static dyn Check,
    item: &Item,
    subs: &[Subject],
    item_words: &[String],
    ctx_words: &[String],
    section_words: &[String],
    prose_tokens: &[String],
) -> Score {
    let meta = check.meta();
    let mut s = Score::default();
    // A list parameter of variable globs (`keys = "*SECRET_KEY*,*JWT*SECRET*"`) names the
    // variables the check is about, like glob keywords do.
    let param_globs: Vec<&str> = meta
        .params
        .iter()
        .filter(|p| p.kind == ParamKind::List)
        .flat_map(|p| p.default.split(','))
        .map(str::trim)
        .filter(|g| features::is_name_glob(g))
        .collect();
    let kw_shapes: Vec<(&str, Shape)> = meta
        .keywords
        .iter()
        .map(|k| (*k, features::shape(k)))
        .collect();
    let met = |s: &mut Score, idx: usize, pts: f64, kw: &str| {
        let e = s.subjects.entry(idx).or_insert((0.0, kw.to_string()));
        if pts > e.0 {
            *e = (pts, kw.to_string());
        }
    };
    for g in &param_globs {
        for (i, sub) in subs.iter().enumerate() {
            if sub.key().is_some_and(|k| features::glob_match(g, k)) {
                met(&mut s, i, 2.0, g);
            }
        }
    }
    for (kw, ks) in &kw_shapes {
        // `*SECRET*`, `*_PASSWORD`: a family of variables; weaker than a name.
        if features::is_name_glob(kw) {
            for (i, sub) in subs.iter().enumerate() {
                if sub.key().is_some_and(|k| features::glob_match(kw, k)) {
                    met(&mut s, i, 2.0, kw);
                }
            }
            continue;
        }
        let mut hit = false;
        for (i, sub) in subs.iter().enumerate() {
            let m = match (ks, &sub.shape) {
                (Shape::Assign { key, .. }, Shape::Assign { key: k2, .. })
                | (Shape::Assign { key, .. }, Shape::Name { name: k2, .. })
                | (Shape::Name { name: key, .. }, Shape::Assign { key: k2, .. })
                | (Shape::Name { name: key, .. }, Shape::Name { name: k2, .. }) => {
                    key.eq_ignore_ascii_case(k2)
                }
                (Shape::Path(p), Shape::Path(p2)) => p == p2 || p2.starts_with(&format!("{p}?")),
                (Shape::Header { name, .. }, Shape::Header { name: n2, .. }) => {
                    name.eq_ignore_ascii_case(n2)
                }
                (Shape::File(f), Shape::File(f2)) => f.eq_ignore_ascii_case(f2),
                // `alembic upgrade head` inside `python -m alembic upgrade head`.
                (Shape::Words(w), Shape::Words(w2)) => contains_seq(w2, w),
                (Shape::Word(w), Shape::Words(w2)) => w2.first() == Some(w),
                (Shape::Word(w), Shape::Word(w2)) => {
                    w == w2 && w.chars().any(|c| c.is_ascii_alphabetic()) && w.len() > 2
                }
                (Shape::Word(w), Shape::Assign { key, .. }) => key.eq_ignore_ascii_case(w),
                (Shape::Words(w), Shape::Assign { key, value }) => {
                    w.len() == 2
                        && key.eq_ignore_ascii_case(&w[0])
                        && value.eq_ignore_ascii_case(&w[1])
                }
                _ => false,
            };
            if m {
                met(&mut s, i, 3.0, kw);
                hit = true;
            }
        }
        if hit {
            continue;
        }
        match ks {
            Shape::Name {
                name,
                has_underscore: false,
            } if prose_tokens.iter().any(|t| t == name) => {
                s.loose += 1.5;
                s.loose_why.push(format!("the word {name}"));
            }
            Shape::Path(p) | Shape::File(p)
                if prose_tokens.iter().any(|t| t.eq_ignore_ascii_case(p)) =>
            {
                s.loose += 2.0;
                s.loose_why.push(format!("`{p}` in the text"));
            }
            Shape::Header { name, .. }
                if prose_tokens.iter().any(|t| t.eq_ignore_ascii_case(name)) =>
            {
                s.loose += 2.0;
                s.loose_why.push(format!("the header {name} in the text"));
            }
            Shape::Words(_) => {
                let kw_words = words(kw);
                if contains_seq(item_words, &kw_words) {
                    s.loose += 2.0;
                    s.loose_why.push(format!("the words \"{kw}\""));
                } else if contains_seq(ctx_words, &kw_words) {
                    s.loose += 1.5;
                    s.loose_why
                        .push(format!("the words \"{kw}\" (with the section)"));
                }
            }
            Shape::Word(w) => {
                let st = features::stem(w);
                if item_words.contains(&st) {
                    s.loose += 1.0;
                    s.loose_why.push(format!("the word \"{w}\""));
                }
            }
            _ => {}
        }
    }
    if s.total() > 0.0 {
        let domain = meta.slug.split('-').next().unwrap_or("");
        if !domain.is_empty() && section_words.iter().any(|w| w == domain) {
            s.loose += 1.0;
            s.loose_why.push(format!("the section names {domain}"));
        }
    }
    // Stated values: an assignment must be one this check verifies.
    let subject_ids: Vec<usize> = s.subjects.keys().copied().collect();
    for i in subject_ids {
        let Shape::Assign { key, value } = &subs[i].shape else {
            continue;
        };
        // A negated assignment is never what a dedicated check verifies.
        if subs[i].not_value.is_some() {
            s.subjects.remove(&i);
            s.rejected.push(i);
            continue;
        }
        let mut accepted = false;
        for (_, ks) in &kw_shapes {
            let Shape::Assign { key: k, value: v } = ks else {
                continue;
            };
            if !k.eq_ignore_ascii_case(key) {
                continue;
            }
            if values_equal(v, value) {
                accepted = true;
                s.anchored = true;
                break;
            }
            if let Some(p) = meta.params.iter().find(|p| {
                matches!(p.kind, ParamKind::Str | ParamKind::List)
                    && p.default.eq_ignore_ascii_case(v)
            }) && let Ok(pv) = ParamValue::parse(p.kind, value)
            {
                s.params.insert(p.name.to_string(), pv);
                accepted = true;
                s.anchored = true;
                break;
            }
        }
        // No assignment keyword for this key: the value the check demands of its other
        // variables (`SQLALCHEMY_ECHO=false` for `DB_ECHO=false`).
        if !accepted
            && !kw_shapes.iter().any(
                |(_, ks)| matches!(ks, Shape::Assign { key: k, .. } if k.eq_ignore_ascii_case(key)),
            )
        {
            accepted = kw_shapes.iter().any(
                |(_, ks)| matches!(ks, Shape::Assign { value: v, .. } if values_equal(v, value)),
            );
            if accepted {
                s.anchored = true;
                s.family.push(i);
            }
        }
        if !accepted {
            let vw = value.to_ascii_lowercase();
            accepted = kw_shapes
                .iter()
                .any(|(_, ks)| matches!(ks, Shape::Word(w) if *w == vw));
            if accepted {
                s.anchored = true;
                s.family.push(i);
            }
        }
        if !accepted {
            s.subjects.remove(&i);
            s.rejected.push(i);
        }
    }
    let _ = item;
    s
}

/// Applies the item's stated quantities to a check's parameters by unit and direction.
/// Returns an error text when a stated bound has no parameter to go to, or is ambiguous.
fn apply_quantities(
    check: &'static dyn Check,
    qs: &[Quantity],
    item_words: &[String],
    params: &mut BTreeMap<String, ParamValue>,
) -> Result<bool, String> {
    let meta = check.meta();
    let mut anchored = false;
    for q in qs {
        let candidates: Vec<(&crate::params::ParamSpec, f64)> = meta
            .params
            .iter()
            .filter(|p| matches!(p.kind, ParamKind::Int | ParamKind::Float))
            .filter_map(|p| {
                let (unit, dir, scale) = match (&q.unit_word, param_unit(p.name)) {
                    // A counted thing goes to a parameter named after it (`min_replicas`).
                    (Some(w), _) => {
                        let last = p.name.rsplit('_').next().unwrap_or(p.name);
                        let dir = if p.name.starts_with("max_") {
                            Some(Dir::Max)
                        } else if p.name.starts_with("min_") {
                            Some(Dir::Min)
                        } else {
                            None
                        };
                        let same = features::stem(last) == *w
                            || (w.len() > 3 && w.starts_with(&features::stem(last)));
                        if !same {
                            return None;
                        }
                        (q.unit, dir, 1.0)
                    }
                    (None, u) => u?,
                };
                let dir_ok = match (dir, q.dir) {
                    (Some(a), b) if b != Dir::Exact => a == b,
                    _ => true,
                };
                (unit == q.unit && dir_ok).then_some((p, scale))
            })
            .collect();
        let chosen = match candidates.len() {
            0 => {
                if q.dir != Dir::Exact {
                    return Err(format!(
                        "states a bound ({}) that {} has no parameter for",
                        q.text, meta.code
                    ));
                }
                continue;
            }
            1 => candidates[0],
            _ => {
                // Prefer the parameter whose name shares a word with the text (p95, health).
                let ctx: Vec<String> = q.context.iter().chain(item_words.iter()).cloned().collect();
                let named: Vec<_> = candidates
                    .iter()
                    .filter(|(p, _)| {
                        p.name.split('_').any(|part| {
                            part.len() > 1
                                && part != "max"
                                && part != "min"
                                && ctx.iter().any(|w| w == part)
                        })
                    })
                    .collect();
                match named.as_slice() {
                    [one] => **one,
                    _ => {
                        return Err(format!(
                            "states {} but {} has several parameters it could mean",
                            q.text, meta.code
                        ));
                    }
                }
            }
        };
        let (spec, scale) = chosen;
        let v = q.value * scale;
        let pv = match spec.kind {
            ParamKind::Int => ParamValue::Int(v.round() as i64),
            _ => ParamValue::Float(v),
        };
        params.insert(spec.name.to_string(), pv);
        anchored = true;
    }
    Ok(anchored)
}

/// Binds one item without an explicit comment.
pub fn bind_item(item: &Item, registry: &[&'static dyn Check], opts: BinderOptions) -> Decision {
    if item.kind == ItemKind::Group {
        return Decision::Group;
    }
    let own_lower =
        format!("{} {}", item.title.as_deref().unwrap_or(""), item.plain).to_ascii_lowercase();
    if let Some(m) = find_marker(&own_lower, HUMAN) {
        return Decision::Manual(format!(
            "asks for a person (\"{m}\"): record it with a sign-off"
        ));
    }
    let full = item.full_plain();
    let subs = subjects(item);
    let item_words = words(&full);
    let section_text = item.section.join(" ");
    let section_words = words(&section_text);
    let ctx_words = words(&format!("{section_text} {full}"));
    let prose_tokens: Vec<String> = full
        .split(|c: char| c.is_whitespace() || "(),;:*\"'`[]{}!?".contains(c))
        .map(|t| t.trim_end_matches('.').to_string())
        .filter(|t| !t.is_empty())
        .collect();
    let judgement = find_marker(&full.to_ascii_lowercase(), JUDGEMENT);
    let qs = quantities(&full);

    // Pass 1: raw scores.
    let mut scores: Vec<(&'static dyn Check, Score)> = registry
        .iter()
        .filter(|c| opts.fallback.is_none_or(|f| f.meta().code != c.meta().code))
        .map(|c| {
            (
                *c,
                score_check(
                    *c,
                    item,
                    &subs,
                    &item_words,
                    &ctx_words,
                    &section_words,
                    &prose_tokens,
                ),
            )
        })
        .filter(|(_, s)| s.total() > 0.0)
        .collect();
    // Pass 2: a subject goes to the best-scoring checks that claim it.
    for i in 0..subs.len() {
        let best = scores
            .iter()
            .filter(|(_, s)| s.subjects.contains_key(&i))
            .map(|(_, s)| s.total())
            .fold(0.0_f64, f64::max);
        for (_, s) in scores.iter_mut() {
            if s.subjects.contains_key(&i) && s.total() < best {
                s.subjects.remove(&i);
            }
        }
    }
    let mut bound: Vec<Bound> = Vec::new();
    let mut dropped: Vec<String> = Vec::new();
    let mut weak: Vec<String> = Vec::new();
    let mut claimed: Vec<usize> = Vec::new();
    let mut family: Vec<usize> = Vec::new();
    scores.sort_by(|a, b| b.1.total().total_cmp(&a.1.total()));
    for (check, mut s) in scores {
        let code = check.meta().code;
        if s.total() < 3.0 {
            weak.push(code.to_string());
            continue;
        }
        match apply_quantities(check, &qs, &item_words, &mut s.params) {
            Ok(a) => s.anchored |= a,
            Err(e) => {
                dropped.push(e);
                continue;
            }
        }
        // "TLS 1.3 preferred": a stated value that is only a preference anchors nothing.
        let optional = matches!(judgement, Some("preferred" | "recommended" | "if possible"));
        if let Some(j) = judgement
            && (!s.anchored || optional)
        {
            dropped.push(format!("{code} matches, but the item asks for a judgement (\"{j}\") that a check cannot make"));
            continue;
        }
        let mut why: Vec<String> = s
            .subjects
            .iter()
            .map(|(i, (_, kw))| {
                if subs[*i].text == *kw {
                    format!("`{}`", subs[*i].text)
                } else {
                    format!("`{}` (keyword `{kw}`)", subs[*i].text)
                }
            })
            .collect();
        why.extend(s.loose_why.iter().take(3).cloned());
        let mut reason = format!(
            "{} matches {} ({})",
            why.join(", "),
            code,
            check.meta().slug
        );
        if !s.params.is_empty() {
            let p: Vec<String> = s.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
            reason.push_str(&format!("; stated values set {}", p.join(" ")));
        }
        claimed.extend(s.subjects.keys().copied());
        family.extend(
            s.family
                .iter()
                .filter(|i| s.subjects.contains_key(i))
                .copied(),
        );
        bound.push(Bound {
            check,
            params: s.params,
            why: reason,
        });
    }

    // Variables no dedicated check is about go to the generic "variable has value" check.
    let mut unverified: Vec<String> = Vec::new();
    let presence = {
        let w = words(&full);
        PRESENCE.iter().any(|p| w.iter().any(|x| x == p))
    };
    // "Set" is all a presence check verifies: a variable whose line also says it matches,
    // points to or contains something asks for more.
    let segments: Vec<String> = std::iter::once(item.plain.clone())
        .chain(item.details.iter().cloned())
        .collect();
    let claims_more_for = |t: &str| {
        segments
            .iter()
            .filter(|seg| seg.contains(t))
            .any(|seg| find_marker(&seg.to_ascii_lowercase(), CLAIMS_MORE).is_some())
    };
    // Keys a bound check verifies: other mentions of them (`no DEBUG=app:*`) are context.
    let claimed_keys: Vec<String> = claimed
        .iter()
        .filter_map(|i| subs[*i].key().map(str::to_ascii_uppercase))
        .collect();
    for (i, sub) in subs.iter().enumerate() {
        let in_family = family.contains(&i) && matches!(sub.shape, Shape::Assign { .. });
        if !in_family
            && (claimed.contains(&i)
                || !sub.concrete()
                || sub
                    .key()
                    .is_some_and(|k| claimed_keys.contains(&k.to_ascii_uppercase())))
        {
            continue;
        }
        let fallback_params: Option<(Vec<(&str, String)>, String)> = match &sub.shape {
            Shape::Assign { key, value }
                if sub.not_value.is_some()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') =>
            {
                Some((
                    vec![("name", key.clone()), ("not", value.clone())],
                    format!("`{}` is what the item rules out", sub.text),
                ))
            }
            Shape::Assign { key, value }
                if key
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') =>
            {
                Some((
                    vec![("name", key.clone()), ("value", value.clone())],
                    format!("`{}` names a variable and its value", sub.text),
                ))
            }
            Shape::Name { name, .. } if sub.absent => Some((
                vec![("name", name.clone()), ("absent", "true".into())],
                format!("`{name}` must not be set"),
            )),
            Shape::Name { name, .. } if sub.not_value.is_some() => Some((
                vec![
                    ("name", name.clone()),
                    ("not", sub.not_value.clone().unwrap_or_default()),
                ],
                format!(
                    "`{name}` must not be `{}`",
                    sub.not_value.as_deref().unwrap_or("")
                ),
            )),
            Shape::Name { name, .. }
                if presence && judgement.is_none() && !claims_more_for(name) =>
            {
                Some((
                    vec![("name", name.clone())],
                    format!("`{name}` must be set"),
                ))
            }
            _ => None,
        };
        match (fallback_params, opts.fallback) {
            (Some((params, why)), Some(fb)) => {
                let meta = fb.meta();
                let mut map = BTreeMap::new();
                let mut ok = true;
                for (k, v) in params {
                    match meta
                        .params
                        .iter()
                        .find(|p| p.name == k)
                        .map(|p| ParamValue::parse(p.kind, &v))
                    {
                        Some(Ok(pv)) => {
                            map.insert(k.to_string(), pv);
                        }
                        _ => ok = false,
                    }
                }
                if ok {
                    bound.push(Bound {
                        check: fb,
                        params: map,
                        why: if in_family {
                            format!(
                                "{why}; the dedicated check accepts it among other variables, so generic {} ({}) verifies this one",
                                meta.code, meta.slug
                            )
                        } else {
                            format!(
                                "{why}, and no dedicated check is about it: generic {} ({})",
                                meta.code, meta.slug
                            )
                        },
                    });
                    continue;
                }
                unverified.push(sub.text.clone());
            }
            _ => unverified.push(sub.text.clone()),
        }
    }

    if bound.is_empty()
        && !unverified.is_empty()
        && let Some(d) = dropped.first()
    {
        return Decision::Manual(d.clone());
    }
    if !unverified.is_empty() {
        let names: Vec<String> = unverified.iter().map(|u| format!("`{u}`")).collect();
        let why = if let Some(j) = judgement.filter(|_| presence) {
            format!(
                "names {} but asks for a judgement (\"{j}\") a check cannot make",
                names.join(", ")
            )
        } else {
            format!(
                "names {}, which no check in this catalog verifies",
                names.join(", ")
            )
        };
        return Decision::Manual(if bound.is_empty() {
            why
        } else {
            let codes: Vec<&str> = bound.iter().map(|b| b.check.meta().code).collect();
            format!("{why}; {} would verify only part of it", codes.join(", "))
        });
    }
    if !bound.is_empty() {
        return Decision::Bound(bound);
    }
    if let Some(d) = dropped.into_iter().next() {
        return Decision::Manual(d);
    }
    if let Some(j) = judgement {
        return Decision::Manual(format!(
            "asks for a judgement (\"{j}\") that a check cannot make"
        ));
    }
    if !weak.is_empty() {
        weak.truncate(3);
        return Decision::Manual(format!(
            "only a weak match with {}; left manual rather than risk a false pass",
            weak.join(", ")
        ));
    }
    Decision::Manual("no check verifies what it describes".into())
}

#[cfg(test)]
mod tests {
    //! The binder against a catalog it has never seen: fake checks whose metadata follows the
    //! keyword conventions, as the other families will.
    use super::*;
    use crate::check::{CheckCx, CheckDoc, CheckMeta};
    use crate::checklist::parse;
    use crate::model::{Category, Outcome, Severity};
    use crate::params::ParamSpec;

    const DOC: CheckDoc = CheckDoc {
        what: "",
        why: "",
        fix: "",
        example: "",
    };

    macro_rules! fake {
        ($name:ident, $code:expr, $slug:expr, $params:expr, $kw:expr) => {
            struct $name;
            #[async_trait::async_trait]
            impl Check for $name {
                fn meta(&self) -> &'static CheckMeta {
                    static M: CheckMeta = CheckMeta {
                        code: $code,
                        slug: $slug,
                        category: Category::Configuration,
                        severity: Severity::High,
                        summary: "",
                        doc: DOC,
                        params: $params,
                        requires: &[],
                        keywords: $kw,
                    };
                    &M
                }
                async fn run(&self, _cx: &CheckCx<'_>) -> Outcome {
                    Outcome::skipped("fake")
                }
            }
        };
    }

    fake!(
        Aof,
        "REDIS002",
        "redis-aof-enabled",
        &[],
        &["appendonly", "appendonly yes", "AOF", "aof persistence"]
    );
    fake!(
        Health,
        "HTTP001",
        "http-health-ok",
        &[],
        &["/health", "health endpoint"]
    );
    fake!(
        Xfo,
        "HTTP005",
        "http-frame-options",
        &[],
        &["X-Frame-Options", "X-Frame-Options: DENY", "clickjacking"]
    );
    fake!(
        Latency,
        "LOAD001",
        "load-latency",
        &[
            ParamSpec {
                name: "max_p50_ms",
                kind: ParamKind::Int,
                default: "200",
                help: ""
            },
            ParamSpec {
                name: "max_p95_ms",
                kind: ParamKind::Int,
                default: "500",
                help: ""
            },
        ],
        &["response time", "latency", "p95 latency", "p95", "p50"]
    );
    fake!(
        Rate,
        "HTTP009",
        "http-rate-limit",
        &[ParamSpec {
            name: "requests",
            kind: ParamKind::Int,
            default: "100",
            help: ""
        }],
        &["rate limiting", "429", "rate limit"]
    );
    fake!(
        Alembic,
        "CMD001",
        "commands-migrations-at-head",
        &[],
        &["alembic upgrade head", "alembic current", "migrations"]
    );
    fake!(
        Retention,
        "BACKUP001",
        "backup-retention",
        &[ParamSpec {
            name: "min_days",
            kind: ParamKind::Int,
            default: "7",
            help: ""
        }],
        &["backup retention", "retention policy"]
    );
    fake!(
        Tls,
        "TLS001",
        "tls-min-version",
        &[ParamSpec {
            name: "min_version",
            kind: ParamKind::Float,
            default: "1.2",
            help: ""
        }],
        &["TLS", "tls version", "HTTPS"]
    );
    fake!(
        Vars,
        "VARS001",
        "vars-variable-has-value",
        &[
            ParamSpec {
                name: "name",
                kind: ParamKind::Str,
                default: "",
                help: ""
            },
            ParamSpec {
                name: "value",
                kind: ParamKind::Str,
                default: "",
                help: ""
            },
            ParamSpec {
                name: "absent",
                kind: ParamKind::Bool,
                default: "false",
                help: ""
            },
            ParamSpec {
                name: "not",
                kind: ParamKind::Str,
                default: "",
                help: ""
            },
        ],
        &[]
    );

    fn registry() -> Vec<&'static dyn Check> {
        vec![
            &Aof, &Health, &Xfo, &Latency, &Rate, &Alembic, &Retention, &Tls, &Vars,
        ]
    }

    fn bind(md: &str) -> Vec<String> {
        let cl = parse(md);
        let opts = BinderOptions {
            fallback: Some(&Vars),
        };
        cl.items
            .iter()
            .map(|i| match bind_item(i, &registry(), opts) {
                Decision::Bound(b) => b
                    .iter()
                    .map(|x| x.comment_form())
                    .collect::<Vec<_>>()
                    .join(" + "),
                Decision::Manual(r) => format!("manual: {r}"),
                Decision::Group => "group".into(),
            })
            .collect()
    }

    #[test]
    fn binds_by_shape_and_units_with_any_catalog() {
        let got = bind(
            "## Cache\n\n- [ ] Persistence on (`appendonly yes`)\n\n## Redis\n\n- [ ] AOF persistence enabled\n\n## Web\n\n\
- [ ] `/health` returns 200\n- [ ] `X-Frame-Options: DENY` sent on every page\n- [ ] P95 response time < 1s\n\
- [ ] p95 latency under 500ms\n- [ ] Rate limiting returns 429 after 65+ requests\n- [ ] Response time < 200ms\n\
- [ ] `alembic upgrade head` completes\n- [ ] Backup retention policy set (30 days minimum)\n- [ ] HTTPS enforced (TLS 1.2+)\n\
- [ ] Coverage at least 80%\n- [ ] Rollback approved by the release manager\n\
- [ ] Latency and response time under 300ms\n- [ ] HTTPS enforced (TLS 1.3 preferred)\n",
        );
        assert_eq!(got[0], "REDIS002");
        assert_eq!(got[1], "REDIS002", "section words help: {}", got[1]);
        assert_eq!(got[2], "HTTP001");
        assert_eq!(got[3], "HTTP005");
        assert_eq!(got[4], "LOAD001 max_p95_ms=1000");
        assert_eq!(got[5], "LOAD001 max_p95_ms=500");
        assert_eq!(got[6], "HTTP009 requests=65");
        assert!(got[7].starts_with("manual"), "which percentile? {}", got[7]);
        assert_eq!(got[8], "CMD001");
        assert_eq!(got[9], "BACKUP001 min_days=30");
        assert_eq!(got[10], "TLS001 min_version=1.2");
        assert!(
            got[11].starts_with("manual"),
            "no coverage check: {}",
            got[11]
        );
        assert!(
            got[12].starts_with("manual: asks for a person"),
            "{}",
            got[12]
        );
        assert!(
            got[13].contains("several parameters"),
            "which percentile? {}",
            got[13]
        );
        assert!(
            got[14].contains("judgement"),
            "a preference is no requirement: {}",
            got[14]
        );
    }

    #[test]
    fn stated_values_a_check_cannot_verify_are_not_bound_to_it() {
        // The item's bound is a maximum in days; the check only takes a minimum.
        let got = bind(
            "- [ ] Backup retention policy: at most 90 days\n- [ ] `UNKNOWN_FLAG` enabled in the app\n",
        );
        assert!(
            got[0].starts_with("manual") && got[0].contains("no parameter"),
            "{}",
            got[0]
        );
        assert!(got[1].starts_with("manual"), "{}", got[1]);
    }
}
