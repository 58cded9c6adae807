//! A small parallel map over a slice with scoped threads (no extra dependency): files are
//! read and parsed on every core, results come back in input order.

use std::sync::atomic::{AtomicUsize, Ordering};

const STACK: usize = 8 * 1024 * 1024;

/// Applies `f` to every item on up to `available_parallelism` threads, keeping order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    // Asked once: on Linux each answer reads the cgroup's CPU quota files.
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let threads = cores.min(items.len().max(1)).min(16);
    if threads <= 1 || items.len() < 4 {
        return items.iter().map(&f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut parts: Vec<Vec<(usize, R)>> = std::thread::scope(|s| {
        let work = || {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                out.push((i, f(item)));
            }
            out
        };
        // Parsers recurse: give the workers the stack a main thread has.
        let handles: Vec<_> = (0..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK)
                    .spawn_scoped(s, work)
                    .ok()
            })
            .collect();
        // If no thread could be started, this thread does the work.
        let mut parts: Vec<Vec<(usize, R)>> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect();
        parts.push(work());
        parts
    });
    let mut slots: Vec<Option<R>> = items.iter().map(|_| None).collect();
    for (i, r) in parts.iter_mut().flat_map(std::mem::take) {
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(r);
        }
    }
    // A worker that panicked lost its results: redo those items here, so that a panic
    // surfaces (as an error of the fact) instead of silently dropping files.
    slots
        .into_iter()
        .zip(items)
        .map(|(r, item)| r.unwrap_or_else(|| f(item)))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order() {
        let v: Vec<u32> = (0..1000).collect();
        assert_eq!(
            super::map(&v, |x| x * 2),
            v.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
    }
}
