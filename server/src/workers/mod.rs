//! Background work that runs on every app instance. Each job is idempotent and safe to run
//! on several instances at once: they only delete or update rows under guards.

use std::future::Future;
use std::time::Duration;

use app::ssr::AppState;

/// Starts every periodic job.
pub fn spawn_all(state: &AppState) {
    let pictures = state.clone();
    tokio::spawn(async move {
        match app::ssr::pictures::make_missing_copies(&pictures.db, &pictures.storage).await {
            Ok(0) => {}
            Ok(made) => tracing::info!(made, "copies made of pictures stored before copies"),
            Err(e) => tracing::error!("could not look for pictures without copies: {e}"),
        }
    });
    let db = &state.db;
    let clock = &state.clock;
    let seal_db = db.clone();
    every(Duration::from_secs(1), "seal the journal", move || {
        let db = seal_db.clone();
        async move {
            app::ledger::store::seal(&db)
                .await
                .map_err(|e| e.to_string())
        }
    });
    let (holds_db, holds_clock) = (db.clone(), clock.clone());
    every(Duration::from_secs(15), "expire holds", move || {
        let (db, now) = (holds_db.clone(), holds_clock.now());
        async move {
            app::ledger::store::expire_holds(&db, now)
                .await
                .map_err(|e| e.to_string())
        }
    });
    let (deals_db, deals_clock) = (db.clone(), clock.clone());
    every(
        Duration::from_secs(60),
        "release reviewed deals",
        move || {
            let (db, now) = (deals_db.clone(), deals_clock.now());
            async move {
                app::deals::store::release_due(&db, now)
                    .await
                    .map_err(|e| e.to_string())
            }
        },
    );
    let (orders_db, orders_clock) = (db.clone(), clock.clone());
    every(
        Duration::from_secs(30),
        "expire checkouts, release commissions",
        move || {
            let (db, now) = (orders_db.clone(), orders_clock.now());
            async move { orders_due(&db, now).await.map_err(|e| e.to_string()) }
        },
    );
    let live_state = state.clone();
    every(
        Duration::from_secs(1),
        "end stage timers, no-shows and overdue events",
        move || {
            let state = live_state.clone();
            async move {
                settle_live(&state, state.clock.now())
                    .await
                    .map_err(|e| e.to_string())
            }
        },
    );
    let mail_state = state.clone();
    every(Duration::from_secs(20), "mail deal news", move || {
        let state = mail_state.clone();
        async move {
            let now = state.clock.now();
            app::notifications::mail::send_pending(&state, now)
                .await
                .map_err(|e| e.to_string())
        }
    });
    let (housekeeping_db, housekeeping_clock) = (db.clone(), clock.clone());
    let limiter = state.limiter.clone();
    every(Duration::from_secs(10 * 60), "housekeeping", move || {
        let (db, now) = (housekeeping_db.clone(), housekeeping_clock.now());
        limiter.retain_recent();
        async move {
            app::accounts::store::purge_stale(&db, now)
                .await
                .map_err(|e| e.to_string())
        }
    });
}

/// Runs `job` now and then every `period`, logging what it did and any failure.
pub(crate) fn every<F, Fut>(period: Duration, name: &'static str, job: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<u64, String>> + Send,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            // On /metrics: a job that stops working (a sealer that no longer seals) shows.
            match job().await {
                Ok(rows) => {
                    metrics::counter!("background_job_rows_total", "job" => name).increment(rows);
                    if rows > 0 {
                        tracing::debug!(job = name, rows, "background job done");
                    }
                }
                Err(e) => {
                    metrics::counter!("background_job_failures_total", "job" => name).increment(1);
                    tracing::error!(job = name, "background job failed: {e}");
                }
            }
        }
    });
}

/// `POST /test/clock` (only with `TREMPLIN_TEST_CLOCK=1`, for end-to-end tests): moves the
/// workers' clock `secs` ahead and runs at once what comes due, as time passing would.
pub async fn advance_clock(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::Form(form): axum::Form<Advance>,
) -> Result<String, (axum::http::StatusCode, String)> {
    let now = state.clock.advance(form.secs);
    let failed =
        |e: app::error::AppError| (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    app::ledger::store::expire_holds(&state.db, now)
        .await
        .map_err(|e| failed(app::ssr::internal(e)))?;
    let released = app::deals::store::release_due(&state.db, now)
        .await
        .map_err(failed)?;
    let orders = orders_due(&state.db, now).await.map_err(failed)?;
    let slots = settle_live(&state, now).await.map_err(failed)?;
    Ok(format!(
        "now {now}, released {released} deals, {orders} orders, {slots} stage slots"
    ))
}

/// Ends stage timers, no-shows and overdue events, and tells their rooms.
async fn settle_live(state: &AppState, now: i64) -> Result<u64, app::error::AppError> {
    let settled = app::live::store::settle_due(&state.db, now).await?;
    app::live::stage::settled(state, &settled).await;
    Ok(settled.len() as u64)
}

/// Gives back the stock of checkouts not paid in time, and releases the commissions whose
/// return window ended.
async fn orders_due(db: &app::ssr::Db, now: i64) -> Result<u64, app::error::AppError> {
    let expired = app::orders::store::expire_due(db, now).await?;
    Ok(expired + app::orders::store::release_due(db, now).await?)
}

#[derive(serde::Deserialize)]
pub struct Advance {
    secs: i64,
}
