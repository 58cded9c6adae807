//! The fact cache: each fact is collected at most once per run, only when a check asks for
//! it, and shared by every check that needs it.
//!
//! It also keeps the engine's concurrency limit honest: a fact is collected in a task that holds
//! an engine slot, and a check that waits for a fact gives its own slot up while it waits (see
//! [`EngineSlot`]), so the eight checks of a silent database cost one slot for one timeout, not
//! eight slots that the other families need.

use crate::config::Config;
use crate::inputs::{Input, InputValue};
use crate::model::Outcome;
use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// Why a fact could not be collected. Checks turn it into an `error` outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactError {
    pub message: String,
}

impl FactError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The outcome of a check that needed this fact: it could not decide.
    pub fn outcome(&self) -> Outcome {
        Outcome::error(self.message.clone())
    }
}

impl fmt::Display for FactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FactError {}

/// Everything a run knows before it observes anything: where the repo is and which
/// environment's inputs apply.
#[derive(Debug, Clone, Default)]
pub struct RunEnv {
    pub root: PathBuf,
    pub environment: Option<String>,
    pub inputs: BTreeMap<Input, InputValue>,
    pub env_files: Vec<String>,
    pub compose_files: Vec<String>,
    pub manifests: Vec<String>,
    pub ca_file: Option<String>,
    pub config: Arc<Config>,
}

impl RunEnv {
    /// The value of an input the check declared in `requires` (the engine has made sure it
    /// is set before the check runs).
    pub fn input(&self, input: Input) -> Option<&str> {
        match self.inputs.get(&input) {
            Some(InputValue::Set(v)) => Some(v),
            _ => None,
        }
    }
}

/// A fact with one value per run.
#[async_trait::async_trait]
pub trait Fact: Sized + Send + Sync + 'static {
    async fn collect(facts: &Facts) -> Result<Self, FactError>;
}

/// A fact with one value per key (an HTTP response per URL, a TLS handshake per host).
#[async_trait::async_trait]
pub trait KeyedFact: Sized + Send + Sync + 'static {
    type Key: fmt::Debug + Clone + Send + Sync + 'static;
    async fn collect(facts: &Facts, key: &Self::Key) -> Result<Self, FactError>;
}

type Collected = Result<Arc<dyn Any + Send + Sync>, FactError>;

#[derive(Default)]
struct SlotState {
    value: OnceLock<Collected>,
    /// A collection task has been started for this fact.
    started: AtomicBool,
    /// Wakes the waiters once `value` is set.
    done: Notify,
}

type Slot = Arc<SlotState>;

/// One check's share of the engine's concurrency limit. The engine acquires it before the
/// check starts; the fact cache hands it to the collection task when the check starts one,
/// releases it while the check waits for a fact, and a collection task takes one before it
/// collects anything.
pub struct EngineSlot {
    limit: Arc<Semaphore>,
    held: Mutex<Option<OwnedSemaphorePermit>>,
    /// A fact's collection task: it takes a slot again after waiting for another fact, since
    /// it goes on collecting. (A check goes on only judging what it got.)
    collects: bool,
}

tokio::task_local! {
    static ENGINE_SLOT: Arc<EngineSlot>;
}

impl EngineSlot {
    pub fn new(limit: Arc<Semaphore>) -> Arc<Self> {
        Arc::new(Self {
            limit,
            held: Mutex::new(None),
            collects: false,
        })
    }

    fn is_held(&self) -> bool {
        self.held
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Waits for a slot unless this check already holds one.
    pub async fn acquire(&self) {
        if self.is_held() {
            return;
        }
        // The semaphore is never closed; should it be, the check runs unthrottled rather than
        // not at all.
        if let Ok(p) = self.limit.clone().acquire_owned().await {
            *self.held.lock().unwrap_or_else(|p| p.into_inner()) = Some(p);
        }
    }

    pub fn release(&self) {
        self.take_permit();
    }

    /// The permit this check holds, taken away from it (to hand it to a collection task).
    fn take_permit(&self) -> Option<OwnedSemaphorePermit> {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// A slot for a fact's collection task, holding the permit of the check that started it
    /// when that check had one.
    fn for_collection(limit: Arc<Semaphore>, permit: Option<OwnedSemaphorePermit>) -> Arc<Self> {
        Arc::new(Self {
            limit,
            held: Mutex::new(permit),
            collects: true,
        })
    }

    /// Runs `fut` (one check) with this slot as the one the fact cache manages.
    pub async fn scope<F: std::future::Future>(self: Arc<Self>, fut: F) -> F::Output {
        ENGINE_SLOT.scope(self, fut).await
    }

    /// The current check's slot; `None` outside the engine (tests, tasks a collector spawned).
    fn current() -> Option<Arc<EngineSlot>> {
        ENGINE_SLOT.try_with(|s| s.clone()).ok()
    }
}

/// The per-run fact cache. Cloning it is cheap and shares the cache.
#[derive(Clone)]
pub struct Facts {
    inner: Arc<FactsInner>,
}

struct FactsInner {
    env: Arc<RunEnv>,
    slots: Mutex<HashMap<(TypeId, String), Slot>>,
}

impl Facts {
    pub fn new(env: RunEnv) -> Self {
        Self {
            inner: Arc::new(FactsInner {
                env: Arc::new(env),
                slots: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn env(&self) -> &RunEnv {
        &self.inner.env
    }

    fn slot(&self, key: (TypeId, String)) -> Slot {
        // A poisoned lock only means another check panicked mid-insert; the map is still valid.
        let mut slots = self.inner.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.entry(key).or_default().clone()
    }

    /// The fact of type `T`, collecting it on first use.
    pub async fn get<T: Fact>(&self) -> Result<Arc<T>, FactError> {
        let slot = self.slot((TypeId::of::<T>(), String::new()));
        let facts = self.clone();
        let r = get_or_collect::<T, _>(&slot, async move {
            let started = trace_start();
            let r = T::collect(&facts)
                .await
                .map(|v| Arc::new(v) as Arc<dyn Any + Send + Sync>);
            trace_end::<T>(started, "");
            r
        })
        .await;
        downcast(r)
    }

    /// The fact of type `T` for `key`, collecting it on first use of that key.
    pub async fn get_keyed<T: KeyedFact>(&self, key: &T::Key) -> Result<Arc<T>, FactError> {
        let slot = self.slot((TypeId::of::<T>(), format!("{key:?}")));
        let (facts, key) = (self.clone(), key.clone());
        let r = get_or_collect::<T, _>(&slot, async move {
            let started = trace_start();
            let r = T::collect(&facts, &key)
                .await
                .map(|v| Arc::new(v) as Arc<dyn Any + Send + Sync>);
            trace_end::<T>(started, &format!("{key:?}"));
            r
        })
        .await;
        downcast(r)
    }

    /// Gives the cache a fact collected elsewhere, so runs that share it (the environments of
    /// a fleet over one repository share its walk) collect it once. No-op when already set.
    /// (issue 6 checklist)
    pub fn preset<T: Fact>(&self, value: Arc<T>) {
        let slot = self.slot((TypeId::of::<T>(), String::new()));
        if slot
            .value
            .set(Ok(value as Arc<dyn Any + Send + Sync>))
            .is_ok()
        {
            slot.done.notify_waiters();
        }
    }

    /// How many distinct facts were collected (or attempted) so far.
    pub fn collected(&self) -> usize {
        let slots = self.inner.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.values().filter(|s| s.value.get().is_some()).count()
    }
}

/// `GOLIVE_TRACE_FACTS=1` prints each fact's collection time to standard error: where a slow
/// run spends its time, without a profiler.
fn trace_start() -> Option<std::time::Instant> {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    ON.get_or_init(|| std::env::var_os("GOLIVE_TRACE_FACTS").is_some_and(|v| v == "1"))
        .then(|| {
            TRACE_EPOCH.get_or_init(std::time::Instant::now);
            std::time::Instant::now()
        })
}

/// When the first traced fact started: each line also says when, on that clock, its fact began
/// and ended, so the lines show which facts overlap and which wait.
static TRACE_EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

fn trace_end<T>(started: Option<std::time::Instant>, key: &str) {
    if let Some(t) = started {
        let name = std::any::type_name::<T>();
        let name = name.rsplit("::").next().unwrap_or(name);
        let since = |i: std::time::Instant| {
            TRACE_EPOCH.get().map_or(0.0, |e| {
                i.saturating_duration_since(*e).as_secs_f64() * 1000.0
            })
        };
        eprintln!(
            "golive: fact {name}{key} collected in {:.1} ms ({:.1}..{:.1} ms)",
            t.elapsed().as_secs_f64() * 1000.0,
            since(t),
            since(std::time::Instant::now())
        );
    }
}

/// The slot's value, starting its collection when nobody has.
///
/// The collection runs in a task of its own, not inside the check that asked first: when that
/// check times out, the collection goes on and the checks still waiting get its result, instead
/// of starting it again from nothing (a slow machine would otherwise collect a fact once per
/// check that times out waiting for it). The task takes over the asking check's engine slot, so
/// `concurrency` still bounds the work in flight; waiting holds no slot.
async fn get_or_collect<T, Fut>(slot: &Slot, collect: Fut) -> &Collected
where
    Fut: std::future::Future<Output = Collected> + Send + 'static,
{
    if let Some(r) = slot.value.get() {
        return r;
    }
    let engine = EngineSlot::current();
    if !slot.started.swap(true, Ordering::AcqRel) {
        let run = match &engine {
            Some(e) => {
                let task_slot = EngineSlot::for_collection(e.limit.clone(), e.take_permit());
                let scoped = task_slot.clone();
                tokio::spawn(scoped.scope(async move {
                    task_slot.acquire().await;
                    collect.await
                }))
            }
            None => tokio::spawn(collect),
        };
        let slot = slot.clone();
        tokio::spawn(async move {
            let r = run.await.unwrap_or_else(|e| {
                let name = std::any::type_name::<T>();
                let name = name.rsplit("::").next().unwrap_or(name);
                Err(FactError::new(format!(
                    "internal: collecting {name} failed: {}",
                    if e.is_panic() {
                        "it panicked"
                    } else {
                        "it was cancelled"
                    }
                )))
            });
            if slot.value.set(r).is_ok() {
                slot.done.notify_waiters();
            }
        });
    } else if let Some(e) = &engine {
        e.release();
    }
    loop {
        // Registered before the value is looked at, so a `notify_waiters` in between is not lost.
        let notified = slot.done.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if let Some(r) = slot.value.get() {
            if let Some(e) = engine.as_ref().filter(|e| e.collects) {
                e.acquire().await;
            }
            return r;
        }
        notified.await;
    }
}

fn downcast<T: Send + Sync + 'static>(r: &Collected) -> Result<Arc<T>, FactError> {
    match r {
        Ok(any) => any
            .clone()
            .downcast::<T>()
            .map_err(|_| FactError::new("internal: fact cache type mismatch")),
        Err(e) => Err(e.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static COLLECTIONS: AtomicUsize = AtomicUsize::new(0);

    struct Counted(usize);

    #[async_trait::async_trait]
    impl Fact for Counted {
        async fn collect(_: &Facts) -> Result<Self, FactError> {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            Ok(Counted(COLLECTIONS.fetch_add(1, Ordering::SeqCst)))
        }
    }

    #[tokio::test]
    async fn a_fact_is_collected_once_for_concurrent_readers() {
        let facts = Arc::new(Facts::new(RunEnv::default()));
        let mut handles = Vec::new();
        for _ in 0..8 {
            let f = facts.clone();
            handles.push(tokio::spawn(async move {
                f.get::<Counted>().await.map(|c| c.0)
            }));
        }
        for h in handles {
            assert_eq!(h.await.unwrap(), Ok(0));
        }
        assert_eq!(COLLECTIONS.load(Ordering::SeqCst), 1);
        assert_eq!(facts.collected(), 1);
    }

    static SLOW_COLLECTIONS: AtomicUsize = AtomicUsize::new(0);

    struct Slow;

    #[async_trait::async_trait]
    impl Fact for Slow {
        async fn collect(_: &Facts) -> Result<Self, FactError> {
            SLOW_COLLECTIONS.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            Ok(Slow)
        }
    }

    #[tokio::test]
    async fn a_collection_outlives_the_check_that_timed_out_waiting_for_it() {
        let facts = Facts::new(RunEnv::default());
        let first = tokio::time::timeout(std::time::Duration::from_millis(10), facts.get::<Slow>());
        assert!(
            first.await.is_err(),
            "the first asker gives up before the fact is ready"
        );
        assert!(facts.get::<Slow>().await.is_ok());
        assert_eq!(SLOW_COLLECTIONS.load(Ordering::SeqCst), 1);
    }

    struct Panics;

    #[async_trait::async_trait]
    impl Fact for Panics {
        async fn collect(_: &Facts) -> Result<Self, FactError> {
            tokio::task::yield_now().await;
            panic!("collector bug");
        }
    }

    #[tokio::test]
    async fn a_collector_that_panics_is_an_error_for_every_asker() {
        let facts = Facts::new(RunEnv::default());
        let (a, b) = tokio::join!(facts.get::<Panics>(), facts.get::<Panics>());
        for r in [a.err(), b.err()] {
            let message = r.expect("an error, not a value").message;
            assert!(
                message.contains("Panics") && message.contains("panicked"),
                "{message}"
            );
        }
    }

    struct Outer(usize);
    struct Inner;

    #[async_trait::async_trait]
    impl Fact for Inner {
        async fn collect(_: &Facts) -> Result<Self, FactError> {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            Ok(Inner)
        }
    }

    #[async_trait::async_trait]
    impl Fact for Outer {
        async fn collect(facts: &Facts) -> Result<Self, FactError> {
            facts.get::<Inner>().await?;
            Ok(Outer(1))
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_engine_slot_is_enough_for_nested_collections_and_stays_the_bound() {
        let limit = Arc::new(Semaphore::new(1));
        let facts = Facts::new(RunEnv::default());
        let mut checks = Vec::new();
        for _ in 0..4 {
            let (limit, facts) = (limit.clone(), facts.clone());
            checks.push(tokio::spawn(async move {
                let slot = EngineSlot::new(limit);
                slot.acquire().await;
                slot.clone()
                    .scope(async move { facts.get::<Outer>().await.map(|o| o.0) })
                    .await
            }));
        }
        let all = async {
            for c in checks {
                assert_eq!(c.await.unwrap(), Ok(1));
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(5), all)
            .await
            .expect("no deadlock with a single slot");
        // Every permit came back: nothing still holds the one slot.
        assert_eq!(limit.available_permits(), 1);
    }
}
