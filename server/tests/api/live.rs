//! Live events and their stage slots: scheduling with bad input, booking (funds, sell-out, the
//! per-fan limit, the one-time key, the cut-off), the slot's life from backstage to done with
//! its charge or its refund, who may take which step, and the races on the money (50 fans for
//! 5 slots, a host's step against the clock, the event ending while a fan is on stage). On
//! SQLite and PostgreSQL, with the ledger verified after each.

use std::sync::Arc;

use app::accounts::types::Role;
use app::error::{AppError, Problem};
use app::ledger::store as ledger;
use app::ledger::types::*;
use app::live::store::{self as live, NewEvent};
use app::live::types::*;
use app::notifications::types::{Notice, Notification, StageNews};
use app::ssr::Db;
use reqwest::{Client, StatusCode};

use crate::common::{available, fresh_db, person, spawn_app, top_up, TestApp};

const PRICE: i64 = 1_500;
const NOW: i64 = 1_900_000_000;
const HOUR: i64 = 3_600;

fn offers(slot_count: u32) -> Offers {
    Offers {
        donation_min: Money::eur(200),
        donation_message_max: 200,
        slot_count,
        slot_secs: 120,
        slot_price: Money::eur(PRICE),
        slot_purpose: StagePurpose::Questions,
        slots_per_fan: 1,
        cancel_cutoff_secs: 3_600,
        no_show_secs: 60,
    }
}

/// An event by a new creator starting in a day, with `slots` slots; returns (host, event).
async fn event(db: &Db, slots: u32) -> (i64, i64) {
    let host = person(db, "host", Role::Creator).await;
    let e = NewEvent {
        title: "Live Q&A".into(),
        description: String::new(),
        starts_at: NOW + 24 * HOUR,
        planned_secs: 3_600,
        offers: offers(slots),
    };
    (host, live::create(db, host, &e, NOW).await.unwrap())
}

/// A fan with `money` in their wallet.
async fn fan(db: &Db, handle: &str, money: i64) -> i64 {
    let fan = person(db, handle, Role::Fan).await;
    if money > 0 {
        top_up(db, fan, money).await;
    }
    fan
}

fn wallet(user: i64) -> AccountRef {
    AccountRef::wallet(user, Currency::Eur)
}

fn earnings(user: i64) -> AccountRef {
    AccountRef::earnings(user, Currency::Eur)
}

async fn sound(db: &Db) {
    let report = ledger::verify(db).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

async fn slot_state(db: &Db, slot: i64) -> (String, Option<i64>) {
    sqlx::query_as("SELECT state, charged FROM stage_slots WHERE id = $1")
        .bind(slot)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

/// Books `fan` a slot, starts the event and takes the slot to `to` (backstage, ready or on
/// stage) at `NOW + 1 day`.
async fn on_the_way(db: &Db, host: i64, event: i64, fan: i64, to: SlotState) -> i64 {
    let start = NOW + 24 * HOUR;
    let slot = live::book(db, event, fan, "k", PRICE, NOW).await.unwrap();
    live::run_event(db, event, Some(host), EventStep::Start, start)
        .await
        .unwrap();
    let steps: &[(SlotStep, i64)] = match to {
        SlotState::Backstage => &[(SlotStep::Call, host)],
        SlotState::Ready => &[(SlotStep::Call, host), (SlotStep::Ready, fan)],
        _ => &[
            (SlotStep::Call, host),
            (SlotStep::Ready, fan),
            (SlotStep::OnStage, host),
        ],
    };
    for &(step, by) in steps {
        live::take(db, slot, by, step, start).await.unwrap();
    }
    slot
}

#[tokio::test]
async fn fifty_fans_racing_for_five_slots_make_five_holds() {
    let (_dir, db) = fresh_db().await;
    let (host, event) = event(&db, 5).await;
    let mut fans = Vec::new();
    for i in 0..50 {
        fans.push(fan(&db, &format!("racer{i}"), 2_000).await);
    }
    let db = Arc::new(db);
    let tasks: Vec<_> = fans
        .iter()
        .map(|&fan| {
            let db = db.clone();
            tokio::spawn(async move { live::book(&db, event, fan, "once", PRICE, NOW).await })
        })
        .collect();
    let (mut booked, mut sold_out) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => booked += 1,
            Err(AppError::Invalid {
                problem: Problem::SoldOut,
                ..
            }) => sold_out += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((booked, sold_out), (5, 45));
    let e = live::event(&db, event, None, NOW).await.unwrap();
    assert_eq!((e.slots_taken, e.slots_left()), (5, 0));
    let held: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM ledger_transfers WHERE kind = 'stage_slot' AND state = 'pending'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(held, 5);
    let mut holding = 0;
    for &f in &fans {
        if available(&db, wallet(f)).await == 2_000 - PRICE {
            holding += 1;
        }
    }
    assert_eq!(holding, 5);
    // Held, not paid: nothing reached the host yet.
    assert_eq!(available(&db, earnings(host)).await, 0);
    sound(&db).await;
}

#[tokio::test]
async fn a_booking_is_refused_without_funds_twice_over_the_limit_and_by_the_host() {
    let (_dir, db) = fresh_db().await;
    let (host, event) = event(&db, 5).await;
    let poor = fan(&db, "poor", 1_000).await;
    assert_eq!(
        live::book(&db, event, poor, "a", PRICE, NOW).await,
        Err(AppError::invalid("slot", Problem::InsufficientFunds))
    );
    assert_eq!(available(&db, wallet(poor)).await, 1_000);
    let rich = fan(&db, "rich", 10_000).await;
    let first = live::book(&db, event, rich, "a", PRICE, NOW).await.unwrap();
    // The same form sent again books nothing more.
    assert_eq!(
        live::book(&db, event, rich, "a", PRICE, NOW).await.unwrap(),
        first
    );
    assert_eq!(
        live::book(&db, event, rich, "b", PRICE, NOW).await,
        Err(AppError::invalid("slot", Problem::TooMany { max: 1 }))
    );
    assert_eq!(available(&db, wallet(rich)).await, 10_000 - PRICE);
    assert_eq!(
        live::book(&db, event, host, "c", PRICE, NOW).await,
        Err(AppError::Forbidden)
    );
    let e = live::event(&db, event, Some(rich), NOW).await.unwrap();
    assert_eq!(e.slots_taken, 1);
    assert_eq!(e.my_slots.len(), 1);
    assert_eq!(e.my_slots[0].place, Some(1));
    sound(&db).await;
}

#[tokio::test]
async fn a_fan_cancels_before_the_cut_off_and_gets_the_place_and_money_back() {
    let (_dir, db) = fresh_db().await;
    let (_host, event) = event(&db, 1).await;
    let a = fan(&db, "early", 5_000).await;
    let b = fan(&db, "late", 5_000).await;
    let slot = live::book(&db, event, a, "k", PRICE, NOW).await.unwrap();
    assert_eq!(
        live::book(&db, event, b, "k", PRICE, NOW).await,
        Err(AppError::invalid("slot", Problem::SoldOut))
    );
    // The cut-off is an hour before the start.
    let too_late = NOW + 23 * HOUR + 1;
    assert!(matches!(
        live::take(&db, slot, a, SlotStep::Cancel, too_late).await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(
        live::take(&db, slot, a, SlotStep::Cancel, NOW)
            .await
            .unwrap(),
        SlotState::Cancelled
    );
    assert_eq!(available(&db, wallet(a)).await, 5_000);
    // The place is free again.
    live::book(&db, event, b, "k", PRICE, NOW).await.unwrap();
    sound(&db).await;
}

#[tokio::test]
async fn a_slot_goes_backstage_on_stage_and_is_charged_when_its_time_is_up() {
    let (_dir, db) = fresh_db().await;
    let (host, event) = event(&db, 5).await;
    let f = fan(&db, "guest", 5_000).await;
    let slot = on_the_way(&db, host, event, f, SlotState::OnStage).await;
    let start = NOW + 24 * HOUR;
    // A free minute more: the timer ends at 180 s.
    live::take(&db, slot, host, SlotStep::Extend, start)
        .await
        .unwrap();
    assert_eq!(live::settle_due(&db, start + 179).await.unwrap(), vec![]);
    assert_eq!(slot_state(&db, slot).await.0, "on_stage");
    assert_eq!(
        live::settle_due(&db, start + 180).await.unwrap(),
        vec![live::Settled::Slot(slot)]
    );
    assert_eq!(slot_state(&db, slot).await, ("done".into(), Some(PRICE)));
    assert_eq!(available(&db, wallet(f)).await, 5_000 - PRICE);
    assert_eq!(available(&db, earnings(host)).await, PRICE);
    let studio = live::studio(&db, event, host, start + 200).await.unwrap();
    assert_eq!(studio.slots_earned, Money::eur(PRICE));
    assert_eq!(studio.slots_held, Money::eur(0));
    // The host's statement sums the event up.
    let form = app::earnings::types::PayoutForm {
        minimum: Money::eur(2_000),
        test_mode: true,
        key: "k".into(),
        email_confirmed: true,
    };
    let statement =
        app::earnings::store::statement(&db, host, Currency::Eur, MovementFilter::default(), form)
            .await
            .unwrap();
    assert_eq!(statement.events.len(), 1);
    let summary = &statement.events[0];
    assert_eq!((summary.id, summary.title.as_str()), (event, "Live Q&A"));
    assert_eq!(
        (summary.stage_slots.minor, summary.total.minor),
        (PRICE, PRICE)
    );
    sound(&db).await;
}

#[tokio::test]
async fn a_fan_who_does_not_answer_the_call_is_refunded_and_told() {
    let (_dir, db) = fresh_db().await;
    let (host, event) = event(&db, 5).await;
    let f = fan(&db, "sleepy", 5_000).await;
    let slot = on_the_way(&db, host, event, f, SlotState::Backstage).await;
    let start = NOW + 24 * HOUR;
    assert_eq!(
        live::settle_due(&db, start + 60).await.unwrap(),
        vec![live::Settled::Slot(slot)]
    );
    assert_eq!(slot_state(&db, slot).await, ("no_show".into(), Some(0)));
    assert_eq!(available(&db, wallet(f)).await, 5_000);
    let news: Vec<String> =
        sqlx::query_scalar("SELECT notice FROM notifications WHERE user_id = $1 ORDER BY id")
            .bind(f)
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let news: Vec<Notice> = news
        .iter()
        .map(|n| serde_json::from_str(n).unwrap())
        .collect();
    assert!(matches!(
        news.as_slice(),
        [
            Notice::Stage { news: StageNews::Called, .. },
            Notice::Stage { news: StageNews::NoShow, amount, .. }
        ] if *amount == Money::eur(PRICE)
    ));
    sound(&db).await;
}

#[tokio::test]
async fn only_the_host_runs_the_stage_and_only_the_fan_says_ready() {
    let (_dir, db) = fresh_db().await;
    let (host, event) = event(&db, 5).await;
    let f = fan(&db, "guest", 5_000).await;
    let other = fan(&db, "other", 5_000).await;
    let slot = live::book(&db, event, f, "k", PRICE, NOW).await.unwrap();
    let start = NOW + 24 * HOUR;
    // Before the event is live, nobody is called.
    assert!(matches!(
        live::take(&db, slot, host, SlotStep::Call, NOW).await,
        Err(AppError::Conflict(_))
    ));
    live::run_event(&db, event, Some(host), EventStep::Start, start)
        .await
        .unwrap();
    assert_eq!(
        live::run_event(&db, event, Some(other), EventStep::End, start).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        live::take(&db, slot, other, SlotStep::Call, start).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        live::take(&db, slot, f, SlotStep::Call, start).await,
        Err(AppError::Forbidden)
    );
    live::take(&db, slot, host, SlotStep::Call, start)
        .await
        .unwrap();
    assert_eq!(
        live::take(&db, slot, host, SlotStep::Ready, start).await,
        Err(AppError::Forbidden)
    );
    live::take(&db, slot, f, SlotStep::Ready, start)
        .await
        .unwrap();
    assert_eq!(
        live::take(&db, slot, f, SlotStep::OnStage, start).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(available(&db, wallet(f)).await, 5_000 - PRICE);
    sound(&db).await;
}

#[tokio::test]
async fn two_fans_are_never_on_stage_at_once() {
    let (_dir, db) = fresh_db().await;
    let (host, event) = event(&db, 5).await;
    let a = fan(&db, "first", 5_000).await;
    let b = fan(&db, "second", 5_000).await;
    let slot_a = on_the_way(&db, host, event, a, SlotState::OnStage).await;
    let start = NOW + 24 * HOUR;
    let slot_b = live::book(&db, event, b, "k", PRICE, start).await.unwrap();
    live::take(&db, slot_b, host, SlotStep::Call, start)
        .await
        .unwrap();
    live::take(&db, slot_b, b, SlotStep::Ready, start)
        .await
        .unwrap();
    assert!(matches!(
        live::take(&db, slot_b, host, SlotStep::OnStage, start).await,
        Err(AppError::Conflict(_))
    ));
    // The host ends the first slot a minute in: the fan pays for the minute they had.
    live::take(&db, slot_a, host, SlotStep::Finish, start + 60)
        .await
        .unwrap();
    assert_eq!(slot_state(&db, slot_a).await.1, Some(PRICE / 2));
    assert_eq!(available(&db, wallet(a)).await, 5_000 - PRICE / 2);
    live::take(&db, slot_b, host, SlotStep::OnStage, start + 60)
        .await
        .unwrap();
    sound(&db).await;
}

#[tokio::test]
async fn the_host_reorders_the_queue() {
    let (_dir, db) = fresh_db().await;
    let (host, event) = event(&db, 5).await;
    let a = fan(&db, "anna", 5_000).await;
    let b = fan(&db, "bert", 5_000).await;
    let slot_a = live::book(&db, event, a, "k", PRICE, NOW).await.unwrap();
    let slot_b = live::book(&db, event, b, "k", PRICE, NOW + 1)
        .await
        .unwrap();
    live::move_slot(&db, slot_b, host, true, NOW).await.unwrap();
    let queue = live::queue(&db, event).await.unwrap();
    assert_eq!(
        queue.iter().map(|q| q.id).collect::<Vec<_>>(),
        [slot_b, slot_a]
    );
    let e = live::event(&db, event, Some(a), NOW).await.unwrap();
    assert_eq!(e.my_slots[0].place, Some(2));
    assert_eq!(
        live::move_slot(&db, slot_a, a, true, NOW).await,
        Err(AppError::NotFound)
    );
}

/// Runs `a` and `b` at once, `n` times each; returns how many of each succeeded.
async fn race<A, B, FA, FB>(n: usize, a: A, b: B) -> (usize, usize)
where
    A: Fn() -> FA,
    B: Fn() -> FB,
    FA: std::future::Future<Output = bool> + Send + 'static,
    FB: std::future::Future<Output = bool> + Send + 'static,
{
    let mut tasks = Vec::new();
    for _ in 0..n {
        tasks.push((true, tokio::spawn(a())));
        tasks.push((false, tokio::spawn(b())));
    }
    let (mut won_a, mut won_b) = (0, 0);
    for (is_a, t) in tasks {
        if t.await.unwrap() {
            if is_a {
                won_a += 1;
            } else {
                won_b += 1;
            }
        }
    }
    (won_a, won_b)
}

#[tokio::test]
async fn a_skip_racing_the_end_of_the_timer_gives_one_outcome() {
    let (_dir, db) = fresh_db().await;
    let (host, event) = event(&db, 5).await;
    let f = fan(&db, "guest", 5_000).await;
    let slot = on_the_way(&db, host, event, f, SlotState::OnStage).await;
    let up = NOW + 24 * HOUR + 120;
    let db = Arc::new(db);
    let (skips, time_ups) = race(
        20,
        || {
            let db = db.clone();
            async move {
                live::take(&db, slot, host, SlotStep::Skip, up)
                    .await
                    .is_ok()
            }
        },
        || {
            let db = db.clone();
            async move { live::settle_due(&db, up).await.unwrap().len() == 1 }
        },
    )
    .await;
    assert_eq!(
        skips + time_ups,
        1,
        "{skips} skips and {time_ups} time-ups won"
    );
    let (state, charged) = slot_state(&db, slot).await;
    let balance = available(&db, wallet(f)).await;
    if skips == 1 {
        assert_eq!(
            (state.as_str(), charged, balance),
            ("skipped", Some(0), 5_000)
        );
    } else {
        assert_eq!(
            (state.as_str(), charged, balance),
            ("done", Some(PRICE), 5_000 - PRICE)
        );
    }
    assert_eq!(available(&db, earnings(host)).await, charged.unwrap());
    sound(&db).await;
}

#[tokio::test]
async fn the_event_ending_while_a_fan_is_on_stage_settles_every_slot_once() {
    let (_dir, db) = fresh_db().await;
    let (host, event) = event(&db, 5).await;
    let star = fan(&db, "star", 5_000).await;
    let slot = on_the_way(&db, host, event, star, SlotState::OnStage).await;
    let start = NOW + 24 * HOUR;
    let mut waiting = Vec::new();
    for i in 0..4 {
        let f = fan(&db, &format!("waiting{i}"), 5_000).await;
        waiting.push((
            f,
            live::book(&db, event, f, "k", PRICE, start).await.unwrap(),
        ));
    }
    live::take(&db, waiting[0].1, host, SlotStep::Call, start)
        .await
        .unwrap();
    // Ended 90 s into a 120 s slot, by the host and the timer's clock at once.
    let end = start + 90;
    let db = Arc::new(db);
    let (ends, _) = race(
        10,
        || {
            let db = db.clone();
            async move {
                live::run_event(&db, event, Some(host), EventStep::End, end)
                    .await
                    .is_ok()
            }
        },
        || {
            let db = db.clone();
            async move {
                live::settle_due(&db, end).await.unwrap();
                false
            }
        },
    )
    .await;
    assert_eq!(ends, 1);
    let charged = PRICE * 90 / 120;
    assert_eq!(slot_state(&db, slot).await, ("done".into(), Some(charged)));
    assert_eq!(available(&db, wallet(star)).await, 5_000 - charged);
    for (f, s) in waiting {
        assert_eq!(slot_state(&db, s).await, ("unplayed".into(), Some(0)));
        assert_eq!(available(&db, wallet(f)).await, 5_000);
    }
    assert_eq!(available(&db, earnings(host)).await, charged);
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM ledger_transfers WHERE kind = 'stage_slot' AND state = 'pending'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(pending, 0);
    sound(&db).await;
}

#[tokio::test]
async fn a_cancelled_event_refunds_every_booking() {
    let (_dir, db) = fresh_db().await;
    let (host, event) = event(&db, 5).await;
    let f = fan(&db, "hopeful", 5_000).await;
    live::book(&db, event, f, "k", PRICE, NOW).await.unwrap();
    live::run_event(&db, event, Some(host), EventStep::Cancel, NOW)
        .await
        .unwrap();
    assert_eq!(available(&db, wallet(f)).await, 5_000);
    assert!(matches!(
        live::book(&db, event, f, "again", PRICE, NOW).await,
        Err(AppError::Conflict(_))
    ));
    sound(&db).await;
}

#[tokio::test]
async fn a_fan_keeps_the_terms_they_booked_under() {
    let (_dir, db) = fresh_db().await;
    let (host, event) = event(&db, 5).await;
    let f = fan(&db, "early_bird", 5_000).await;
    let slot = live::book(&db, event, f, "k", PRICE, NOW).await.unwrap();
    // After the booking the host asks for a day's notice and raises the price.
    let stricter = Offers {
        cancel_cutoff_secs: 24 * HOUR as u32,
        slot_price: Money::eur(PRICE * 2),
        ..offers(5)
    };
    live::update_offers(&db, host, event, &stricter, NOW)
        .await
        .unwrap();
    // A fan still on the old page is not charged the new price.
    let late = fan(&db, "late_page", 5_000).await;
    assert_eq!(
        live::book(&db, event, late, "k", PRICE, NOW).await,
        Err(AppError::invalid("slot", Problem::PriceChanged))
    );
    assert_eq!(available(&db, wallet(late)).await, 5_000);
    // Two hours before the start: past the new cut-off, within the one the fan paid under.
    let two_hours_before = NOW + 22 * HOUR;
    assert_eq!(
        live::take(&db, slot, f, SlotStep::Cancel, two_hours_before)
            .await
            .unwrap(),
        SlotState::Cancelled
    );
    assert_eq!(available(&db, wallet(f)).await, 5_000, "refunded in full");
    sound(&db).await;
}

// Through HTTP: the forms' bad input, and the journey as the pages drive it.

const EVENT_FORM: [(&str, &str); 12] = [
    ("title", "Questions du dimanche"),
    ("description", "Posez vos questions en direct."),
    ("starts_at", "2099-01-01T18:00"),
    ("planned_minutes", "60"),
    ("donation_min", "2"),
    ("donation_message_max", "200"),
    ("slot_count", "5"),
    ("slot_secs", "120"),
    ("slot_price", "15"),
    ("slot_purpose", "questions"),
    ("slots_per_fan", "1"),
    ("cancel_cutoff_hours", "1"),
];

pub(crate) fn event_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form: Vec<(&str, &str)> = EVENT_FORM.to_vec();
    form.push(("no_show_secs", "90"));
    for (name, value) in changes {
        match form.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => form.push((name, value)),
        }
    }
    form
}

pub(crate) async fn schedule(app: &TestApp, host: &Client) -> i64 {
    app.call_ok(host, "schedule_event", &event_form(&[])).await
}

#[tokio::test]
async fn scheduling_refuses_bad_input_field_by_field() {
    let app = spawn_app().await;
    let host = app.client();
    app.sign_up(&host, "creator", "live_host").await;
    for (field, value, problem) in [
        ("title", "", Problem::Required),
        ("starts_at", "tomorrow", Problem::InvalidDate),
        ("starts_at", "2001-01-01T18:00", Problem::InPast),
        ("planned_minutes", "0", Problem::InvalidNumber),
        ("slot_count", "-1", Problem::InvalidNumber),
        ("slot_count", "1000", Problem::InvalidNumber),
        ("slot_secs", "5", Problem::InvalidNumber),
        ("slot_price", "-15", Problem::InvalidAmount),
        ("slot_purpose", "karaoke", Problem::Required),
        ("slots_per_fan", "0", Problem::InvalidNumber),
        ("no_show_secs", "1", Problem::InvalidNumber),
    ] {
        let error = app
            .call_err(&host, "schedule_event", &event_form(&[(field, value)]))
            .await;
        assert_eq!(
            error.problem_for(field),
            Some(problem),
            "{field} = {value:?}: {error:?}"
        );
    }
    // Fans and brands do not host events.
    let fan = app.client();
    app.sign_up(&fan, "fan", "live_fan").await;
    assert_eq!(
        app.call_err(&fan, "schedule_event", &event_form(&[])).await,
        AppError::Forbidden
    );
    assert_eq!(
        app.call_err(&app.client(), "schedule_event", &event_form(&[]))
            .await,
        AppError::Unauthenticated
    );
}

#[tokio::test]
async fn a_fan_books_through_the_page_and_the_host_takes_the_slot_to_done() {
    let app = spawn_app().await;
    let host = app.client();
    app.sign_up(&host, "creator", "live_star").await;
    let id = schedule(&app, &host).await;
    let page = app
        .page(&app.client(), &format!("/@live_star/live/{id}"))
        .await;
    assert!(page.contains("Questions du dimanche"));
    assert!(page.contains("data-testid=\"slots-left\""));

    let fan = app.client();
    app.sign_up(&fan, "fan", "live_guest").await;
    let id_s = id.to_string();
    let error = app
        .call_err(
            &fan,
            "book_slot",
            &[("id", &id_s), ("key", "form-1"), ("price", "1500")],
        )
        .await;
    assert_eq!(error.problem_for("slot"), Some(Problem::InsufficientFunds));
    let db = Db::connect(&app.database_url).await.unwrap();
    let me = app.me(&fan).await.unwrap();
    top_up(&db, me.id, 2_000).await;
    let slot: i64 = app
        .call_ok(
            &fan,
            "book_slot",
            &[("id", &id_s), ("key", "form-1"), ("price", "1500")],
        )
        .await;
    let event: Event = app.call_ok(&fan, "get_event", &[("id", &id_s)]).await;
    assert_eq!(event.slots_left(), 4);
    assert_eq!(event.my_slots[0].state, SlotState::Queued);

    let slot_s = slot.to_string();
    let step = |client: &Client, step: &'static str| {
        let (client, slot_s) = (client.clone(), slot_s.clone());
        let app = &app;
        async move {
            app.call(
                &client,
                "take_slot_step",
                &[("id", &slot_s), ("step", step)],
            )
            .await
        }
    };
    // The clock's own steps are not for callers.
    assert_eq!(step(&host, "time_up").await.status(), 403);
    assert_eq!(step(&host, "call").await.status(), 409);
    let _: EventState = app
        .call_ok(&host, "run_event", &[("id", &id_s), ("step", "start")])
        .await;
    for (client, name) in [(&host, "call"), (&fan, "ready"), (&host, "on_stage")] {
        assert!(step(client, name).await.status().is_success(), "{name}");
    }
    let _: EventState = app
        .call_ok(&host, "run_event", &[("id", &id_s), ("step", "end")])
        .await;
    let studio: Studio = app.call_ok(&host, "get_studio", &[("id", &id_s)]).await;
    assert_eq!(studio.queue[0].state, SlotState::Done);
    assert_eq!(
        app.call_err(&fan, "get_studio", &[("id", &id_s)]).await,
        AppError::NotFound
    );
    let news: Vec<Notification> = app.call_ok(&fan, "notifications", &[]).await;
    assert!(news.iter().any(|n| matches!(
        n.notice,
        Notice::Stage {
            news: StageNews::Charged,
            ..
        }
    )));
    let page = app.page(&fan, "/notifications").await;
    assert!(page.contains("Questions du dimanche"), "{page}");
}

#[tokio::test]
async fn a_reminder_tells_the_fan_once_when_the_event_goes_live() {
    let (_dir, db) = fresh_db().await;
    let (host, event) = event(&db, 5).await;
    let f = fan(&db, "remember_me", 0).await;
    let other = fan(&db, "not_asking", 0).await;
    live::remind(&db, event, f, true, NOW).await.unwrap();
    // Asking twice is asking once; the host needs no reminder.
    live::remind(&db, event, f, true, NOW).await.unwrap();
    assert_eq!(
        live::remind(&db, event, host, true, NOW).await,
        Err(AppError::Forbidden)
    );
    assert!(
        live::event(&db, event, Some(f), NOW)
            .await
            .unwrap()
            .reminding
    );
    assert!(
        !live::event(&db, event, Some(other), NOW)
            .await
            .unwrap()
            .reminding
    );
    // Asking and taking it back leaves nothing.
    live::remind(&db, event, other, true, NOW).await.unwrap();
    live::remind(&db, event, other, false, NOW).await.unwrap();

    live::run_event(&db, event, Some(host), EventStep::Start, NOW + 24 * HOUR)
        .await
        .unwrap();
    let told = app::notifications::store::recent(&db, f, 10).await.unwrap();
    assert_eq!(told.len(), 1);
    assert!(matches!(
        &told[0].notice,
        Notice::Live { event: e, title, .. } if *e == event && title == "Live Q&A"
    ));
    assert!(told[0].notice.mailed());
    assert!(app::notifications::store::recent(&db, other, 10)
        .await
        .unwrap()
        .is_empty());
    // A live event takes no more reminders.
    assert!(matches!(
        live::remind(&db, event, other, true, NOW + 24 * HOUR).await,
        Err(AppError::Conflict(_))
    ));
}

#[tokio::test]
async fn a_fan_short_of_money_tops_up_by_card_and_comes_back_to_book() {
    let app = crate::common::spawn_app_with(&[(
        "TREMPLIN_PAYMENTS_WEBHOOK_SECRET",
        "a webhook secret for tests",
    )])
    .await;
    let host = app.client();
    app.sign_up(&host, "creator", "topup_host").await;
    let id = schedule(&app, &host).await;
    let id_s = id.to_string();
    let fan = app.client();
    app.sign_up(&fan, "fan", "topup_fan").await;
    let short = app
        .call_err(
            &fan,
            "book_slot",
            &[("id", &id_s), ("key", "k1"), ("price", "1500")],
        )
        .await;
    assert_eq!(short.problem_for("slot"), Some(Problem::InsufficientFunds));
    assert_eq!(
        app.call_err(&host, "top_up_to_book", &[("id", &id_s)])
            .await,
        AppError::Forbidden
    );

    let url: String = app.call_ok(&fan, "top_up_to_book", &[("id", &id_s)]).await;
    let checkout = url.strip_prefix(&app.url("")).unwrap().to_owned();
    let paid = app.pay(&fan, &checkout, "4242 4242 4242 4242").await;
    let back = paid.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(back, app.url(&format!("/@topup_host/live/{id}")));
    let me = app.me(&fan).await.unwrap();
    let db = Db::connect(&app.database_url).await.unwrap();
    // The price plus the processor's fee on it was charged: after the fee, the price is there.
    let topped = available(&db, wallet(me.id)).await;
    assert!((PRICE..PRICE + 5).contains(&topped), "{topped}");
    assert_eq!(
        app.call_err(&fan, "top_up_to_book", &[("id", &id_s)]).await,
        AppError::Conflict("your wallet already holds the price: book the slot".into())
    );
    let _: i64 = app
        .call_ok(
            &fan,
            "book_slot",
            &[("id", &id_s), ("key", "k1"), ("price", "1500")],
        )
        .await;
    sound(&db).await;
}

/// The event page offers an action only when the rules accept it at that moment: no cut-off
/// already past at scheduling, no "cancel" once the event is live, no "book" when full or when
/// the fan already holds their limit, and a fan's own booking is never called "sold out".
#[tokio::test]
async fn the_event_page_never_offers_what_the_rules_refuse() {
    let app = spawn_app().await;
    let host = app.client();
    app.sign_up(&host, "creator", "soon_host").await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let soon = app::ui::date::format_date_time_input(now + 20 * 60);
    let error = app
        .call_err(
            &host,
            "schedule_event",
            &event_form(&[("starts_at", &soon), ("slot_count", "1")]),
        )
        .await;
    assert_eq!(
        error.problem_for("cancel_cutoff_hours"),
        Some(Problem::CutoffPassed)
    );
    let id: i64 = app
        .call_ok(
            &host,
            "schedule_event",
            &event_form(&[
                ("starts_at", &soon),
                ("slot_count", "1"),
                ("cancel_cutoff_hours", "0"),
            ]),
        )
        .await;
    let id_s = id.to_string();
    // Nor may the host move the cut-off into the past afterwards.
    let mut offers = event_form(&[("slot_count", "1"), ("cancel_cutoff_hours", "1")]);
    offers.retain(|(name, _)| {
        !matches!(
            *name,
            "title" | "description" | "starts_at" | "planned_minutes"
        )
    });
    offers.push(("id", &id_s));
    assert_eq!(
        app.call_err(&host, "update_offers", &offers)
            .await
            .problem_for("cancel_cutoff_hours"),
        Some(Problem::CutoffPassed)
    );

    let db = Db::connect(&app.database_url).await.unwrap();
    let fan = app.client();
    app.sign_up(&fan, "fan", "soon_fan").await;
    top_up(&db, app.me(&fan).await.unwrap().id, 2_000).await;
    let page_path = format!("/@soon_host/live/{id}");
    let before = app.page(&fan, &page_path).await;
    assert!(before.contains(">Book a slot"), "{before}");
    assert!(before.contains("data-testid=\"cancel-terms\""), "{before}");
    let _: i64 = app
        .call_ok(
            &fan,
            "book_slot",
            &[("id", &id_s), ("key", "k1"), ("price", "1500")],
        )
        .await;
    let page = app.page(&fan, &page_path).await;
    assert!(page.contains("Cancel my booking"), "{page}");
    assert!(page.contains("Your booking stands"), "{page}");
    // The holder reads their booking's terms once, on its line.
    assert_eq!(page.matches("You may cancel until").count(), 1, "{page}");
    assert!(!page.contains("data-testid=\"cancel-terms\""), "{page}");
    assert!(!page.contains("Sold out"), "{page}");
    assert!(!page.contains(">Book a slot"), "{page}");
    let other = app.client();
    app.sign_up(&other, "fan", "late_fan").await;
    let page = app.page(&other, &page_path).await;
    assert!(page.contains("Sold out"), "{page}");
    assert!(!page.contains(">Book a slot"), "{page}");

    // Live, a booking is final: the page says so and offers no cancelling.
    let _: EventState = app
        .call_ok(&host, "run_event", &[("id", &id_s), ("step", "start")])
        .await;
    let page = app.page(&fan, &page_path).await;
    assert!(!page.contains("Cancel my booking"), "{page}");
    assert!(page.contains("data-testid=\"booking-final\""), "{page}");
}

/// A fan who holds as many slots as one fan may is told so instead of offered another.
#[tokio::test]
async fn a_fan_at_their_limit_is_not_offered_another_slot() {
    let app = spawn_app().await;
    let host = app.client();
    app.sign_up(&host, "creator", "limit_host").await;
    let id = schedule(&app, &host).await;
    let id_s = id.to_string();
    let fan = app.client();
    app.sign_up(&fan, "fan", "limit_fan").await;
    let db = Db::connect(&app.database_url).await.unwrap();
    top_up(&db, app.me(&fan).await.unwrap().id, 2_000).await;
    let _: i64 = app
        .call_ok(
            &fan,
            "book_slot",
            &[("id", &id_s), ("key", "k1"), ("price", "1500")],
        )
        .await;
    let page = app.page(&fan, &format!("/@limit_host/live/{id}")).await;
    assert!(page.contains("data-testid=\"holding-most\""), "{page}");
    assert!(!page.contains(">Book a slot"), "{page}");
    assert!(page.contains("Cancel my booking"), "{page}");
}

/// A time is typed and shown on the reader's wall clock and kept in UTC: 20:00 in Paris in
/// January is 19:00 UTC, a time the clocks skip is refused, and a zone that is not one is too.
#[tokio::test]
async fn times_are_typed_and_shown_in_the_readers_time_zone() {
    let app = spawn_app().await;
    let host = app.client();
    app.sign_up(&host, "creator", "paris_host").await;
    let id: i64 = app
        .call_ok(
            &host,
            "schedule_event",
            &event_form(&[
                ("starts_at", "2099-01-10T20:00"),
                ("time_zone", "Europe/Paris"),
            ]),
        )
        .await;
    let event: Event = app
        .call_ok(&host, "get_event", &[("id", &id.to_string())])
        .await;
    let utc = app::ui::date::parse_date_time("2099-01-10T19:00").unwrap();
    assert_eq!(event.starts_at, utc);
    for (zone, problem) in [
        ("Mars/Olympus", Problem::InvalidDate),
        ("</script><script>alert(1)</script>", Problem::InvalidDate),
        (&*"Europe/".repeat(40), Problem::InvalidDate),
    ] {
        let error = app
            .call_err(&host, "schedule_event", &event_form(&[("time_zone", zone)]))
            .await;
        assert_eq!(error.problem_for("starts_at"), Some(problem), "{zone}");
    }
    let error = app
        .call_err(
            &host,
            "schedule_event",
            &event_form(&[
                ("starts_at", "2099-03-29T02:30"),
                ("time_zone", "Europe/Paris"),
            ]),
        )
        .await;
    assert_eq!(error.problem_for("starts_at"), Some(Problem::SkippedTime));

    // The page is rendered on the reader's clock, named: the zone comes from their cookie.
    let path = format!("/@paris_host/live/{id}");
    let read = |cookie: &'static str| {
        let request = reqwest::Client::new().get(app.url(&path));
        let request = if cookie.is_empty() {
            request
        } else {
            request.header("cookie", cookie)
        };
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    let paris = read("tz=Europe/Paris").await;
    assert!(paris.contains("20:00<!> (<!>Paris<!>)"), "{paris}");
    let utc_page = read("").await;
    assert!(utc_page.contains("19:00<!> (<!>UTC<!>)"), "{utc_page}");
    let hostile = read("tz=%3C/script%3E").await;
    assert!(hostile.contains("(<!>UTC<!>)"));
    // The creator's own page leads to it, on the reader's clock too.
    let profile = app.page(&app.client(), "/@paris_host").await;
    assert!(
        profile.contains(&format!("href=\"/live/{id}\"")),
        "{profile}"
    );

    // Remembered on the account; a visitor's call changes nothing and a bad name is refused.
    let _: () = app
        .call_ok(&host, "remember_time_zone", &[("zone", "Europe/Paris")])
        .await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let kept: Option<String> =
        sqlx::query_scalar("SELECT time_zone FROM users WHERE handle = 'paris_host'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(kept.as_deref(), Some("Europe/Paris"));
    // A browser without the cookie (JavaScript off) gets the account's zone back at login,
    // so the schedule form it is sent next speaks Paris time; one with a cookie keeps its own.
    let login = |cookie: Option<&'static str>| {
        let request = app
            .client()
            .post(app.url("/api/login"))
            .header("accept", "application/json")
            .form(&[
                ("email", "paris_host@example.test"),
                ("password", "a long enough passphrase"),
            ]);
        let request = match cookie {
            Some(cookie) => request.header("cookie", cookie),
            None => request,
        };
        async move { request.send().await.unwrap() }
    };
    let bare = login(None).await;
    assert_eq!(bare.status(), StatusCode::OK);
    let set: Vec<String> = bare
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        set.iter()
            .any(|c| c.starts_with("tz=Europe/Paris;") && c.contains("Path=/")),
        "{set:?}"
    );
    let with_own = login(Some("tz=Asia/Tokyo")).await;
    assert!(!with_own
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("tz=")));
    let _: () = app
        .call_ok(
            &app.client(),
            "remember_time_zone",
            &[("zone", "Asia/Tokyo")],
        )
        .await;
    for bad in [
        "",
        "Nowhere/Land",
        "Europe/Paris\r\nSet-Cookie: x=1",
        "</title>",
    ] {
        assert_eq!(
            app.call_err(&host, "remember_time_zone", &[("zone", bad)])
                .await
                .problem_for("zone"),
            Some(Problem::Malformed),
            "{bad:?}"
        );
    }
}
