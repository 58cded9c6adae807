//! A parallel map over a slice on one pool of worker threads for the whole run: files are
//! read and parsed on every core, results come back in input order. One pool, not threads
//! per call, because every thread that allocates gets its own allocator heap, and fresh heap
//! pages (zeroed by the kernel, first touched on a virtual machine) were a large part of a
//! static run's time when each collector started its own short-lived threads.

use rayon::prelude::*;

const STACK: usize = 8 * 1024 * 1024;

fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        // On Linux each answer reads the cgroup's CPU quota files: asked once.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores.min(16))
            .thread_name(|i| format!("golive-parallel-{i}"))
            // Parsers recurse: give the workers the stack a main thread has.
            .stack_size(STACK)
            .build()
            .ok()
    })
    .as_ref()
}

/// Applies `f` to every item on the run's worker pool, keeping order. A panic in `f` reaches
/// the caller (the engine reports it as an error of the fact), as it would without threads.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    match pool() {
        Some(pool) if items.len() >= 4 => pool.install(|| items.par_iter().map(&f).collect()),
        // A single item, or no pool could be started: this thread does the work.
        _ => items.iter().map(&f).collect(),
    }
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

    #[test]
    fn a_panic_reaches_the_caller() {
        let v: Vec<u32> = (0..100).collect();
        let r = std::panic::catch_unwind(|| {
            super::map(&v, |x| {
                assert!(*x != 57, "item 57");
                *x
            })
        });
        assert!(r.is_err());
    }
}
