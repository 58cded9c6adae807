//! The fact cache: each fact is collected at most once per run, only when a check asks for
//! it, and shared by every check that needs it.
//!
//! It also keeps the engine's concurrency limit honest: a check that waits for a fact another
//! check is already collecting gives its engine slot up while it waits (see [`EngineSlot`]), so
//! the eight checks of a silent database cost one slot for one timeout, not eight slots that
//! the other families need.

use crate::config::Config;
use crate::inputs::{Input, InputValue};
use crate::model::Outcome;
use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore};

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

type Cell = OnceCell<Result<Arc<dyn Any + Send + Sync>, FactError>>;

#[derive(Default)]
struct SlotState {
    cell: Cell,
    /// Someone is inside `collect` for this fact right now.
    collecting: AtomicBool,
}

type Slot = Arc<SlotState>;

/// Clears `collecting` when a collection ends, also when it is cancelled (its check timed out):
/// a waiter then takes the collection over.
struct Collecting<'a>(&'a AtomicBool);

impl Drop for Collecting<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// One check's share of the engine's concurrency limit. The engine acquires it before the
/// check starts; the fact cache releases it while the check only waits for a fact someone else
/// is collecting, and takes one again before the check collects anything itself.
pub struct EngineSlot {
    limit: Arc<Semaphore>,
    held: Mutex<Option<OwnedSemaphorePermit>>,
}

tokio::task_local! {
    static ENGINE_SLOT: Arc<EngineSlot>;
}

impl EngineSlot {
    pub fn new(limit: Arc<Semaphore>) -> Arc<Self> {
        Arc::new(Self {
            limit,
            held: Mutex::new(None),
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
        self.held.lock().unwrap_or_else(|p| p.into_inner()).take();
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

/// The per-run fact cache.
pub struct Facts {
    env: Arc<RunEnv>,
    slots: Mutex<HashMap<(TypeId, String), Slot>>,
}

impl Facts {
    pub fn new(env: RunEnv) -> Self {
        Self {
            env: Arc::new(env),
            slots: Mutex::new(HashMap::new()),
        }
    }

    pub fn env(&self) -> &RunEnv {
        &self.env
    }

    fn slot(&self, key: (TypeId, String)) -> Slot {
        // A poisoned lock only means another check panicked mid-insert; the map is still valid.
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.entry(key).or_default().clone()
    }

    /// The fact of type `T`, collecting it on first use.
    pub async fn get<T: Fact>(&self) -> Result<Arc<T>, FactError> {
        let slot = self.slot((TypeId::of::<T>(), String::new()));
        let r = get_or_collect(&slot, || async {
            let started = trace_start();
            let r = T::collect(self)
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
        let r = get_or_collect(&slot, || async {
            let started = trace_start();
            let r = T::collect(self, key)
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
        let _ = slot.cell.set(Ok(value as Arc<dyn Any + Send + Sync>));
    }

    /// How many distinct facts were collected (or attempted) so far.
    pub fn collected(&self) -> usize {
        let slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.values().filter(|s| s.cell.initialized()).count()
    }
}

/// `GOLIVE_TRACE_FACTS=1` prints each fact's collection time to standard error: where a slow
/// run spends its time, without a profiler.
fn trace_start() -> Option<std::time::Instant> {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    ON.get_or_init(|| std::env::var_os("GOLIVE_TRACE_FACTS").is_some_and(|v| v == "1"))
        .then(std::time::Instant::now)
}

fn trace_end<T>(started: Option<std::time::Instant>, key: &str) {
    if let Some(t) = started {
        let name = std::any::type_name::<T>();
        let name = name.rsplit("::").next().unwrap_or(name);
        eprintln!(
            "golive: fact {name}{key} collected in {:.1} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// The slot's value, collecting it when nobody has. Waiting for another check's collection
/// holds no engine slot; collecting does (so `concurrency` still bounds the work in flight).
async fn get_or_collect<F, Fut>(
    slot: &SlotState,
    collect: F,
) -> &Result<Arc<dyn Any + Send + Sync>, FactError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Arc<dyn Any + Send + Sync>, FactError>>,
{
    if let Some(r) = slot.cell.get() {
        return r;
    }
    let engine = EngineSlot::current();
    if slot.collecting.load(Ordering::Acquire)
        && let Some(e) = &engine
    {
        e.release();
    }
    slot.cell
        .get_or_init(|| async {
            slot.collecting.store(true, Ordering::Release);
            let _done = Collecting(&slot.collecting);
            if let Some(e) = &engine {
                e.acquire().await;
            }
            collect().await
        })
        .await
}

fn downcast<T: Send + Sync + 'static>(
    r: &Result<Arc<dyn Any + Send + Sync>, FactError>,
) -> Result<Arc<T>, FactError> {
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
}
