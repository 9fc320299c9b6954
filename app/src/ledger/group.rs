//! Group commit for movements that stand alone: a gift, a donation, a tip, where nothing else
//! has to commit with the money. The movements queued at one moment share one database
//! transaction, so they pay for one commit, and on a hot account (a thousand fans paying one
//! creator) for one lock from update to commit, instead of one each.
//!
//! Each movement still goes through [`store::transfer`] and keeps its own outcome: a refused
//! one leaves nothing behind (that function's promise) and the others go on. A caller hears
//! back only once its movement is committed. If the shared transaction fails as a whole, each
//! movement is run again in a transaction of its own: the idempotency keys make that safe
//! whether or not the failed commit reached the disk.

use tokio::sync::{mpsc, oneshot};

use super::store;
use super::types::{LedgerError, NewTransfer, Transfer};
use crate::ssr::Db;

/// At most this many movements share a transaction, so one slow group never holds the
/// others' locks for long.
const GROUP: usize = 64;
/// Movements waiting beyond this make callers wait before queueing (back-pressure).
const QUEUE: usize = 4_096;

type Outcome = Result<Vec<Transfer>, LedgerError>;

struct Job {
    batch: Vec<NewTransfer>,
    now: i64,
    reply: oneshot::Sender<Outcome>,
}

/// A handle on the group-commit worker; clones share it. The worker stops when the last
/// handle is dropped.
#[derive(Clone)]
pub struct GroupCommit {
    queue: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the worker on the current Tokio runtime.
    pub fn start(db: Db) -> Self {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(run(db, jobs));
        Self { queue }
    }

    /// Records `batch` (linked transfers: all happen or none does) like [`store::transfer`],
    /// in a transaction shared with the movements queued at the same moment; returns once it
    /// is committed.
    pub async fn transfer(&self, batch: Vec<NewTransfer>, now: i64) -> Outcome {
        let (reply, outcome) = oneshot::channel();
        let stopped = || LedgerError::Database("the ledger's commit worker stopped".into());
        self.queue
            .send(Job { batch, now, reply })
            .await
            .map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

async fn run(db: Db, mut jobs: mpsc::Receiver<Job>) {
    let mut group = Vec::with_capacity(GROUP);
    // Whatever queued while the previous group committed forms the next one.
    while jobs.recv_many(&mut group, GROUP).await > 0 {
        let outcomes = match together(&db, &group).await {
            Some(outcomes) => outcomes,
            None => {
                let mut outcomes = Vec::with_capacity(group.len());
                for job in &group {
                    outcomes.push(alone(&db, job).await);
                }
                outcomes
            }
        };
        for (job, outcome) in group.drain(..).zip(outcomes) {
            // A caller that stopped waiting still has its movement committed.
            let _ = job.reply.send(outcome);
        }
    }
}

/// Every job in one transaction; `None` if the transaction as a whole failed (a database
/// error leaves a PostgreSQL transaction unusable), and then none of it was committed.
async fn together(db: &Db, group: &[Job]) -> Option<Vec<Outcome>> {
    let mut tx = db.begin_write().await.ok()?;
    let mut outcomes = Vec::with_capacity(group.len());
    for job in group {
        let outcome = store::transfer(&mut tx, &job.batch, job.now).await;
        if let Err(LedgerError::Database(_)) = outcome {
            return None;
        }
        outcomes.push(outcome);
    }
    tx.commit().await.ok()?;
    Some(outcomes)
}

async fn alone(db: &Db, job: &Job) -> Outcome {
    let database = |e: sqlx::Error| LedgerError::Database(e.to_string());
    let mut tx = db.begin_write().await.map_err(database)?;
    let done = store::transfer(&mut tx, &job.batch, job.now).await?;
    tx.commit().await.map_err(database)?;
    Ok(done)
}
