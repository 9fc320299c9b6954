//! Deals: the whole journey through the server functions, who may do what, bad input, and the
//! races on the money (approve against auto-release, double funding, a full campaign).

use crate::common::{available, fresh_db, person, spawn_app, top_up, TestApp};
use app::accounts::types::Role;
use app::campaigns::store::{self as campaigns, NewCampaign};
use app::campaigns::types::{CampaignAction, Deliverable};
use app::deals::rules::{MAX_REVISIONS, REVIEW_WINDOW_SECS};
use app::deals::store::{self, Opening, Terms};
use app::deals::types::{Deal, DealState, DealStep, Party};
use app::error::{AppError, Problem};
use app::ledger::store as ledger;
use app::ledger::types::*;
use app::ssr::{now, Db};
use reqwest::Client;

/// Takes `step` on deal `id` as `client`, over HTTP.
async fn take(app: &TestApp, client: &Client, id: &str, step: &str) -> reqwest::Response {
    app.call(client, "deal_step", &[("id", id), ("step", step)])
        .await
}

/// How many of the racing `tasks` took the deal to `wanted`; every other one must have been
/// refused as too late.
async fn reaching(
    tasks: Vec<tokio::task::JoinHandle<Result<DealState, AppError>>>,
    wanted: DealState,
) -> usize {
    let mut reached = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(state) if state == wanted => reached += 1,
            Err(AppError::Conflict(_)) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    reached
}

fn terms(minor: i64) -> Terms {
    Terms {
        amount: Money::eur(minor),
        deliverables: "Two posts".into(),
        due_at: now() + 10 * 86_400,
    }
}

/// A brand's direct offer of `minor` cents to a creator, with the default review window.
fn offer(brand_id: i64, creator_id: i64, minor: i64) -> Opening {
    Opening {
        review_secs: REVIEW_WINDOW_SECS,
        brand_id,
        creator_id,
        campaign_id: None,
        by: Party::Brand,
        terms: terms(minor),
        message: String::new(),
    }
}

/// A brand, a creator and an outsider (a creator) signed up over HTTP, handles prefixed
/// with `prefix`; the brand's wallet holds `wallet` cents.
struct Parties {
    db: Db,
    brand: Client,
    creator: Client,
    outsider: Client,
    brand_id: i64,
    creator_id: i64,
}

async fn parties(app: &TestApp, prefix: &str, wallet: i64) -> Parties {
    let (brand, creator, outsider) = (app.client(), app.client(), app.client());
    app.sign_up(&brand, "brand", &format!("{prefix}_brand"))
        .await;
    app.sign_up(&creator, "creator", &format!("{prefix}_creator"))
        .await;
    app.sign_up(&outsider, "creator", &format!("{prefix}_outsider"))
        .await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let brand_id = app.me(&brand).await.unwrap().id;
    let creator_id = app.me(&creator).await.unwrap().id;
    top_up(&db, brand_id, wallet).await;
    Parties {
        db,
        brand,
        creator,
        outsider,
        brand_id,
        creator_id,
    }
}

/// A deal between a new brand and a new creator, funded with `amount`, delivered.
async fn delivered_deal(db: &Db, amount: i64) -> (i64, i64, i64) {
    let brand = person(db, "a_brand", Role::Brand).await;
    let creator = person(db, "a_creator", Role::Creator).await;
    top_up(db, brand, amount).await;
    let opening = offer(brand, creator, amount);
    let id = store::open(db, &opening, now()).await.unwrap();
    store::step(db, id, Some(creator), DealStep::Accept, None, "", now())
        .await
        .unwrap();
    store::step(db, id, Some(brand), DealStep::Fund, None, "", now())
        .await
        .unwrap();
    store::step(
        db,
        id,
        Some(creator),
        DealStep::Deliver,
        None,
        "https://example.test/post",
        now(),
    )
    .await
    .unwrap();
    (id, brand, creator)
}

#[tokio::test]
async fn a_brand_and_a_small_creator_make_a_deal_and_the_creator_is_paid() {
    let app = spawn_app().await;
    let brand = app.client();
    app.sign_up(&brand, "brand", "velo_brand").await;
    let creator = app.client();
    app.sign_up(&creator, "creator", "small_rider").await;
    let outsider = app.client();
    app.sign_up(&outsider, "brand", "nosy_brand").await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let (brand_id, creator_id) = (
        app.me(&brand).await.unwrap().id,
        app.me(&creator).await.unwrap().id,
    );
    top_up(&db, brand_id, 50_000).await;

    let due = app::ui::date::format_date_input(now() + 14 * 86_400);
    let offer = [
        ("handle", "small_rider"),
        ("amount", "150"),
        ("deliverables", "Two posts about our frame"),
        ("due_on", due.as_str()),
        ("message", "We love your rides"),
    ];
    for role in [&creator, &app.client()] {
        let e = app.call_err(role, "offer_deal", &offer).await;
        assert!(
            matches!(e, AppError::Forbidden | AppError::Unauthenticated),
            "{e:?}"
        );
    }
    let id: i64 = app.call_ok(&brand, "offer_deal", &offer).await;
    let id_text = id.to_string();
    let step = |client, step| take(&app, client, &id_text, step);

    // Only the two parties know the deal exists.
    assert_eq!(
        app.call_err(&outsider, "deal", &[("id", &id_text)]).await,
        AppError::NotFound
    );
    assert_eq!(
        app.call_err(
            &outsider,
            "deal_message",
            &[("id", &id_text), ("body", "hi")]
        )
        .await,
        AppError::NotFound
    );
    assert_eq!(
        step(&outsider, "accept")
            .await
            .json::<AppError>()
            .await
            .unwrap(),
        AppError::NotFound
    );

    // The creator counters; the brand may not accept its own first terms but accepts the counter.
    assert_eq!(
        step(&brand, "accept")
            .await
            .json::<AppError>()
            .await
            .unwrap(),
        AppError::Forbidden
    );
    let _: DealState = app
        .call_ok(
            &creator,
            "deal_step",
            &[
                ("id", &id_text),
                ("step", "counter"),
                ("amount", "180"),
                ("deliverables", "Two posts and a story"),
                ("due_on", &due),
            ],
        )
        .await;
    assert_eq!(
        step(&creator, "accept")
            .await
            .json::<AppError>()
            .await
            .unwrap(),
        AppError::Forbidden
    );
    assert!(step(&brand, "accept").await.status().is_success());
    assert_eq!(
        step(&creator, "fund")
            .await
            .json::<AppError>()
            .await
            .unwrap(),
        AppError::Forbidden
    );
    assert!(step(&brand, "fund").await.status().is_success());
    assert_eq!(
        available(&db, AccountRef::wallet(brand_id, Currency::Eur)).await,
        50_000 - 18_000,
        "held"
    );
    assert!(
        matches!(
            step(&brand, "fund").await.json::<AppError>().await.unwrap(),
            AppError::Conflict(_)
        ),
        "funded once"
    );

    // Delivery needs links; the brand cannot deliver, the creator cannot approve.
    let e = app
        .call_err(
            &creator,
            "deal_step",
            &[("id", &id_text), ("step", "deliver"), ("body", "")],
        )
        .await;
    assert_eq!(e, AppError::invalid("body", Problem::Required));
    let deliver = [
        ("id", id_text.as_str()),
        ("step", "deliver"),
        ("body", "https://instagram.example/p/1"),
    ];
    assert_eq!(
        app.call_err(&brand, "deal_step", &deliver).await,
        AppError::Forbidden
    );
    let _: DealState = app.call_ok(&creator, "deal_step", &deliver).await;
    assert_eq!(
        step(&creator, "approve")
            .await
            .json::<AppError>()
            .await
            .unwrap(),
        AppError::Forbidden
    );
    for _ in 0..MAX_REVISIONS {
        let _: DealState = app
            .call_ok(
                &brand,
                "deal_step",
                &[("id", id_text.as_str()), ("step", "ask_revision")],
            )
            .await;
        let _: DealState = app.call_ok(&creator, "deal_step", &deliver).await;
    }
    assert!(matches!(
        step(&brand, "ask_revision")
            .await
            .json::<AppError>()
            .await
            .unwrap(),
        AppError::Conflict(_)
    ));
    let _: () = app
        .call_ok(
            &creator,
            "deal_message",
            &[("id", &id_text), ("body", "Final cut is up!")],
        )
        .await;
    let done: DealState = app
        .call_ok(
            &brand,
            "deal_step",
            &[("id", id_text.as_str()), ("step", "approve")],
        )
        .await;
    assert_eq!(done, DealState::Completed);

    assert_eq!(
        available(&db, AccountRef::earnings(creator_id, Currency::Eur)).await,
        18_000,
        "0% fee"
    );
    assert_eq!(
        available(&db, AccountRef::wallet(brand_id, Currency::Eur)).await,
        32_000
    );
    let deal: Deal = app.call_ok(&creator, "deal", &[("id", &id_text)]).await;
    assert_eq!(deal.viewer, Party::Creator);
    assert!(deal.messages.iter().any(|m| m.body == "Final cut is up!"));
    let news: Vec<app::notifications::types::Notification> =
        app.call_ok(&creator, "notifications", &[]).await;
    assert!(news
        .iter()
        .any(|n| n.notice.link() == format!("/deals/{id}")));
    assert!(ledger::verify(&db).await.unwrap().problems.is_empty());
    app.page(&creator, &format!("/deals/{id}")).await;
}

#[tokio::test]
async fn bad_offers_and_short_wallets_are_refused_and_move_nothing() {
    let (_dir, db) = fresh_db().await;
    let brand = person(&db, "b", Role::Brand).await;
    let creator = person(&db, "c", Role::Creator).await;
    let fan = person(&db, "f", Role::Fan).await;
    let opening = |creator_id, campaign_id| Opening {
        review_secs: REVIEW_WINDOW_SECS,
        brand_id: brand,
        creator_id,
        campaign_id,
        by: Party::Creator,
        terms: terms(20_000),
        message: String::new(),
    };
    assert_eq!(
        store::open(&db, &opening(fan, None), now()).await,
        Err(AppError::NotFound),
        "only creators get deals"
    );
    let campaign = campaigns::create(
        &db,
        brand,
        &NewCampaign {
            title: "Spring".into(),
            brief: "A spring campaign".into(),
            niches: vec![],
            min_audience: 0,
            max_audience: None,
            budget: Money::eur(15_000),
            creators_wanted: 2,
            starts_at: now(),
            ends_at: now() + 86_400,
            free_product: String::new(),
            deliverables: vec![Deliverable {
                format: app::market::types::Format::Post,
                network: app::accounts::types::Network::Instagram,
                count: 1,
            }],
        },
        now(),
    )
    .await
    .unwrap();
    assert_eq!(
        store::open(&db, &opening(creator, Some(campaign)), now()).await,
        Err(AppError::NotFound),
        "a draft takes no application"
    );
    campaigns::act(&db, brand, campaign, CampaignAction::Publish, now())
        .await
        .unwrap();
    assert_eq!(
        store::open(&db, &opening(creator, Some(campaign)), now()).await,
        Err(AppError::invalid(
            "amount",
            Problem::AmountTooLarge { max_minor: 15_000 }
        )),
        "over budget"
    );

    let id = store::open(
        &db,
        &Opening {
            review_secs: REVIEW_WINDOW_SECS,
            terms: terms(10_000),
            ..opening(creator, None)
        },
        now(),
    )
    .await
    .unwrap();
    store::step(&db, id, Some(brand), DealStep::Accept, None, "", now())
        .await
        .unwrap();
    top_up(&db, brand, 9_999).await;
    assert_eq!(
        store::step(&db, id, Some(brand), DealStep::Fund, None, "", now()).await,
        Err(AppError::invalid("fund", Problem::InsufficientFunds))
    );
    assert_eq!(
        available(&db, AccountRef::wallet(brand, Currency::Eur)).await,
        9_999
    );
    let deal = store::get(&db, id, brand).await.unwrap();
    assert_eq!(deal.state, DealState::Accepted, "nothing changed");
    // Out of turn: a clear refusal, not a silent no-op.
    assert!(matches!(
        store::step(
            &db,
            id,
            Some(creator),
            DealStep::Deliver,
            None,
            "links",
            now()
        )
        .await,
        Err(AppError::Conflict(_))
    ));
    assert!(ledger::verify(&db).await.unwrap().problems.is_empty());
}

#[tokio::test]
async fn approval_racing_the_end_of_the_review_window_pays_once() {
    let (_dir, db) = fresh_db().await;
    let (id, brand, creator) = delivered_deal(&db, 12_000).await;
    let later = now() + REVIEW_WINDOW_SECS + 1;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                store::step(&db, id, Some(brand), DealStep::Approve, None, "", later)
                    .await
                    .is_ok() as u64
            } else {
                store::release_due(&db, later).await.unwrap()
            }
        }));
    }
    let mut released = 0;
    for t in tasks {
        released += t.await.unwrap();
    }
    assert_eq!(released, 1, "one approval or one release");
    assert_eq!(
        available(&db, AccountRef::earnings(creator, Currency::Eur)).await,
        12_000
    );
    assert_eq!(
        available(&db, AccountRef::wallet(brand, Currency::Eur)).await,
        0
    );
    assert!(ledger::verify(&db).await.unwrap().problems.is_empty());
}

#[tokio::test]
async fn the_worker_releases_only_when_the_window_is_over() {
    let (_dir, db) = fresh_db().await;
    let (id, _, creator) = delivered_deal(&db, 5_000).await;
    assert_eq!(
        store::release_due(&db, now() + REVIEW_WINDOW_SECS - 60)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store::release_due(&db, now() + REVIEW_WINDOW_SECS + 1)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store::get(&db, id, creator).await.unwrap().state,
        DealState::Completed
    );
    assert_eq!(
        available(&db, AccountRef::earnings(creator, Currency::Eur)).await,
        5_000
    );
}

#[tokio::test]
async fn two_brand_users_funding_at_once_make_one_hold() {
    let (_dir, db) = fresh_db().await;
    let brand = person(&db, "b", Role::Brand).await;
    let creator = person(&db, "c", Role::Creator).await;
    top_up(&db, brand, 100_000).await;
    let id = store::open(
        &db,
        &Opening {
            review_secs: REVIEW_WINDOW_SECS,
            brand_id: brand,
            creator_id: creator,
            campaign_id: None,
            by: Party::Creator,
            terms: terms(30_000),
            message: String::new(),
        },
        now(),
    )
    .await
    .unwrap();
    store::step(&db, id, Some(brand), DealStep::Accept, None, "", now())
        .await
        .unwrap();
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                store::step(&db, id, Some(brand), DealStep::Fund, None, "", now()).await
            })
        })
        .collect();
    assert_eq!(reaching(tasks, DealState::Funded).await, 1);
    let balance = ledger::balance(&db, AccountRef::wallet(brand, Currency::Eur))
        .await
        .unwrap();
    assert_eq!(
        (balance.available(), balance.held),
        (70_000, 30_000),
        "one hold"
    );
}

#[tokio::test]
async fn a_campaign_for_three_creators_never_accepts_a_fourth() {
    let (_dir, db) = fresh_db().await;
    let brand = person(&db, "b", Role::Brand).await;
    let campaign = campaigns::create(
        &db,
        brand,
        &NewCampaign {
            title: "Three riders".into(),
            brief: "Three riders, one frame".into(),
            niches: vec![],
            min_audience: 0,
            max_audience: None,
            budget: Money::eur(50_000),
            creators_wanted: 3,
            starts_at: now(),
            ends_at: now() + 86_400,
            free_product: String::new(),
            deliverables: vec![Deliverable {
                format: app::market::types::Format::Post,
                network: app::accounts::types::Network::Instagram,
                count: 1,
            }],
        },
        now(),
    )
    .await
    .unwrap();
    campaigns::act(&db, brand, campaign, CampaignAction::Publish, now())
        .await
        .unwrap();
    let mut deals = Vec::new();
    for i in 0..8 {
        let creator = person(&db, &format!("rider_{i}"), Role::Creator).await;
        let opening = Opening {
            review_secs: REVIEW_WINDOW_SECS,
            brand_id: brand,
            creator_id: creator,
            campaign_id: Some(campaign),
            by: Party::Creator,
            terms: terms(20_000),
            message: "Pick me".into(),
        };
        deals.push(store::open(&db, &opening, now()).await.unwrap());
    }
    let tasks: Vec<_> = deals
        .into_iter()
        .map(|id| {
            let db = db.clone();
            tokio::spawn(async move {
                store::step(&db, id, Some(brand), DealStep::Accept, None, "", now()).await
            })
        })
        .collect();
    assert_eq!(reaching(tasks, DealState::Accepted).await, 3);
}

#[tokio::test]
async fn a_dispute_freezes_the_deal_and_reaches_the_operators_desk() {
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let (id, brand, creator) = delivered_deal(&db, 7_000).await;
    store::step(
        &db,
        id,
        Some(brand),
        DealStep::Dispute,
        None,
        "Not what we agreed",
        now(),
    )
    .await
    .unwrap();
    for step in [DealStep::Approve, DealStep::AskRevision] {
        assert!(matches!(
            store::step(&db, id, Some(brand), step, None, "", now()).await,
            Err(AppError::Conflict(_))
        ));
    }
    assert_eq!(
        store::release_due(&db, now() + REVIEW_WINDOW_SECS + 1)
            .await
            .unwrap(),
        0,
        "frozen"
    );
    let held = ledger::balance(&db, AccountRef::wallet(brand, Currency::Eur))
        .await
        .unwrap();
    assert_eq!(held.held, 7_000, "the escrow stays held");
    assert_eq!(
        available(&db, AccountRef::earnings(creator, Currency::Eur)).await,
        0
    );

    let someone = app.client();
    app.sign_up(&someone, "fan", "curious_fan").await;
    assert_eq!(
        app.call_err(&someone, "disputed_deals", &[]).await,
        AppError::Forbidden
    );
    let ops = app.client();
    app.sign_up(&ops, "fan", "ops_person").await;
    app::accounts::store::set_operator(&db, "ops_person@example.test", true)
        .await
        .unwrap();
    let desk: Vec<app::deals::types::Disputed> = app.call_ok(&ops, "disputed_deals", &[]).await;
    assert_eq!(desk.len(), 1);
    assert_eq!(
        (desk[0].id, desk[0].reason.as_str()),
        (id, "Not what we agreed")
    );
}

#[tokio::test]
async fn deal_news_are_mailed_once_in_the_readers_language() {
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let brand = app.client();
    app.sign_up(&brand, "brand", "mail_brand").await;
    // The creator uses the site in French: their mail comes in French.
    let creator = app.client();
    let _ = creator.get(app.url("/lang/fr")).send().await.unwrap();
    app.sign_up(&creator, "creator", "mail_creator").await;
    let due = app::ui::date::format_date_input(now() + 7 * 86_400);
    let offer = [
        ("handle", "mail_creator"),
        ("amount", "80"),
        ("deliverables", "One story"),
        ("due_on", due.as_str()),
    ];
    let id: i64 = app.call_ok(&brand, "offer_deal", &offer).await;

    let state = app.state(&db);
    // The app's own worker may have sent it already; either way it goes out once.
    app::notifications::mail::send_pending(&state, now())
        .await
        .unwrap();
    assert_eq!(
        app::notifications::mail::send_pending(&state, now())
            .await
            .unwrap(),
        0
    );
    let deal_mails = |to: &str| -> Vec<String> {
        let mails = app.mails_to(to).into_iter();
        mails.filter(|m| m.contains("/deals/")).collect()
    };
    let mails = deal_mails("mail_creator@example.test");
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(
        mails[0].contains("Collaboration Tremplin") && mails[0].contains(&format!("/deals/{id}")),
        "{}",
        mails[0]
    );
    assert!(
        deal_mails("mail_brand@example.test").is_empty(),
        "the brand made the offer"
    );
}

#[tokio::test]
async fn both_parties_rate_a_completed_deal_once_and_it_shows_on_their_pages() {
    let app = spawn_app().await;
    let Parties {
        db,
        brand,
        creator,
        outsider,
        brand_id,
        creator_id,
    } = parties(&app, "rated", 9_000).await;
    let opening = offer(brand_id, creator_id, 9_000);
    let id = store::open(&db, &opening, now()).await.unwrap();
    let id_text = id.to_string();
    let rate = |client, stars: &'static str, comment: &'static str| {
        let id = id_text.clone();
        let app = &app;
        async move {
            let response = app
                .call(
                    client,
                    "rate_deal",
                    &[("id", &id), ("stars", stars), ("comment", comment)],
                )
                .await;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(response.json::<AppError>().await.unwrap())
            }
        }
    };
    assert!(
        matches!(rate(&brand, "5", "").await, Err(AppError::Conflict(_))),
        "not before completion"
    );
    for (step, by) in [
        (DealStep::Accept, creator_id),
        (DealStep::Fund, brand_id),
        (DealStep::Deliver, creator_id),
        (DealStep::Approve, brand_id),
    ] {
        store::step(
            &db,
            id,
            Some(by),
            step,
            None,
            "https://example.test/p",
            now(),
        )
        .await
        .unwrap();
    }
    assert_eq!(rate(&outsider, "5", "").await, Err(AppError::NotFound));
    let anonymous = app.client();
    assert_eq!(
        rate(&anonymous, "5", "").await,
        Err(AppError::Unauthenticated)
    );
    for bad in ["0", "6", "", "four"] {
        assert_eq!(
            rate(&brand, bad, "").await,
            Err(AppError::invalid("stars", Problem::NoStars))
        );
    }
    assert_eq!(rate(&brand, "4", "Clear, on time").await, Ok(()));
    assert!(matches!(
        rate(&brand, "5", "").await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(rate(&creator, "5", "").await, Ok(()));

    let deal: Deal = app.call_ok(&creator, "deal", &[("id", &id_text)]).await;
    assert_eq!(deal.rating_received.map(|s| s.get()), Some(4));
    assert_eq!(deal.rating_given.map(|s| s.get()), Some(5));
    let creator_page: app::deals::types::Reputation = app
        .call_ok(
            &app.client(),
            "reputation",
            &[("handle", "rated_creator"), ("brand", "false")],
        )
        .await;
    assert_eq!(
        (creator_page.rating_centi, creator_page.ratings),
        (Some(400), 1)
    );
    assert_eq!(creator_page.reviews[0].author, "Test Company");
    assert_eq!(creator_page.reviews[0].comment, "Clear, on time");
    let brand_page: app::deals::types::Reputation = app
        .call_ok(
            &app.client(),
            "reputation",
            &[("handle", "rated-brand"), ("brand", "true")],
        )
        .await;
    assert_eq!(brand_page.rating_centi, Some(500));
    let html = app.page(&app.client(), "/@rated_creator").await;
    assert!(html.contains("Clear, on time"), "the review is on the page");
}

#[tokio::test]
async fn concurrent_ratings_of_one_deal_by_one_party_make_one() {
    let (_dir, db) = fresh_db().await;
    let (id, brand, creator) = delivered_deal(&db, 3_000).await;
    store::step(&db, id, Some(brand), DealStep::Approve, None, "", now())
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..12u8 {
        let db = db.clone();
        let stars = app::deals::types::Stars::parse(&(1 + i % 5).to_string()).unwrap();
        tasks.push(tokio::spawn(async move {
            store::rate(&db, id, brand, stars, "", now()).await
        }));
    }
    let mut rated = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => rated += 1,
            Err(AppError::Conflict(_)) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(rated, 1);
    let mut conn = db.pool.acquire().await.unwrap();
    assert_eq!(
        store::reputation(&mut conn, creator).await.unwrap().ratings,
        1
    );
}

#[tokio::test]
async fn responsiveness_is_the_median_time_to_answer_the_other_side() {
    let (_dir, db) = fresh_db().await;
    let brand = person(&db, "quick_brand", Role::Brand).await;
    let creator = person(&db, "slow_creator", Role::Creator).await;
    let t0 = now();
    let opening = Opening {
        message: "Hello".into(),
        ..offer(brand, creator, 2_000)
    };
    let id = store::open(&db, &opening, t0).await.unwrap();
    // Answered after 3 h, then after 1 h, then after 2 h: the median is 2 h.
    store::message(&db, id, creator, "Thanks!", t0 + 3 * 3600)
        .await
        .unwrap();
    store::message(&db, id, brand, "Questions?", t0 + 4 * 3600)
        .await
        .unwrap();
    store::message(&db, id, brand, "Any?", t0 + 4 * 3600 + 60)
        .await
        .unwrap();
    store::message(&db, id, creator, "None", t0 + 5 * 3600)
        .await
        .unwrap();
    store::message(&db, id, brand, "Great", t0 + 6 * 3600)
        .await
        .unwrap();
    store::message(&db, id, creator, "Yes", t0 + 8 * 3600)
        .await
        .unwrap();
    store::message(&db, id, brand, "Unanswered", t0 + 9 * 3600)
        .await
        .unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let r = store::reputation(&mut conn, creator).await.unwrap();
    assert_eq!(r.response_mins, Some(120));
    assert_eq!(r.rating_centi, None);
    assert_eq!(
        store::reputation(&mut conn, brand)
            .await
            .unwrap()
            .response_mins,
        Some(60),
        "the brand's answers are timed alike"
    );
}

#[tokio::test]
async fn the_test_clock_ends_review_windows_only_where_it_is_switched_on() {
    let app = crate::common::spawn_app_with(&[("TREMPLIN_TEST_CLOCK", "1")]).await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let (id, _, creator) = delivered_deal(&db, 4_000).await;
    let advance = |app: &TestApp, secs: i64| {
        let url = app.url("/test/clock");
        async move {
            Client::new()
                .post(url)
                .form(&[("secs", secs.to_string())])
                .send()
                .await
                .unwrap()
        }
    };
    assert!(advance(&app, 3_600).await.status().is_success());
    assert_eq!(
        store::get(&db, id, creator).await.unwrap().state,
        DealState::Delivered,
        "an hour later the brand may still answer"
    );
    assert!(advance(&app, REVIEW_WINDOW_SECS)
        .await
        .status()
        .is_success());
    assert_eq!(
        store::get(&db, id, creator).await.unwrap().state,
        DealState::Completed
    );
    let production = spawn_app().await;
    assert_eq!(
        advance(&production, REVIEW_WINDOW_SECS).await.status(),
        reqwest::StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_creator_delivers_files_that_only_the_two_parties_can_download() {
    let app = spawn_app().await;
    let Parties {
        db,
        brand,
        creator,
        outsider,
        brand_id,
        creator_id,
    } = parties(&app, "file", 5_000).await;
    let opening = offer(brand_id, creator_id, 5_000);
    let id = store::open(&db, &opening, now()).await.unwrap();
    let upload = |client: &Client, body: Vec<u8>| {
        client
            .post(app.url(&format!("/api/deals/{id}/files")))
            .header("x-file-name", "final%20cut%20%C3%A9t%C3%A9.mp4")
            .header("content-type", "video/mp4")
            .body(body)
            .send()
    };
    let video = b"not really a video, but bytes all the same".to_vec();
    let refused = upload(&creator, video.clone()).await.unwrap();
    assert_eq!(
        refused.status(),
        reqwest::StatusCode::CONFLICT,
        "not before funding"
    );
    for (step, by) in [(DealStep::Accept, creator_id), (DealStep::Fund, brand_id)] {
        store::step(&db, id, Some(by), step, None, "", now())
            .await
            .unwrap();
    }
    assert_eq!(
        upload(&brand, video.clone()).await.unwrap().status(),
        reqwest::StatusCode::FORBIDDEN
    );
    assert_eq!(
        upload(&outsider, video.clone()).await.unwrap().status(),
        reqwest::StatusCode::NOT_FOUND
    );
    let too_large = upload(&creator, vec![0; app::deals::files::BODY_LIMIT + 1])
        .await
        .unwrap();
    assert_eq!(too_large.status(), reqwest::StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        too_large.json::<AppError>().await.unwrap(),
        AppError::invalid("files", Problem::TooLarge { max_kib: 25 * 1024 })
    );
    // Nothing to deliver yet: neither links nor files.
    assert_eq!(
        app.call_err(
            &creator,
            "deal_step",
            &[("id", &id.to_string()), ("step", "deliver")]
        )
        .await,
        AppError::invalid("body", Problem::Required)
    );
    let created = upload(&creator, video.clone()).await.unwrap();
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);
    let file: app::deals::types::DealFile = created.json().await.unwrap();
    assert_eq!(file.name, "final cut été.mp4");
    let delivered: DealState = app
        .call_ok(
            &creator,
            "deal_step",
            &[("id", &id.to_string()), ("step", "deliver")],
        )
        .await;
    assert_eq!(
        delivered,
        DealState::Delivered,
        "files alone make a delivery"
    );

    let deal: Deal = app
        .call_ok(&brand, "deal", &[("id", &id.to_string())])
        .await;
    assert_eq!(deal.files, vec![file.clone()]);
    let got = brand.get(app.url(&file.url())).send().await.unwrap();
    assert_eq!(got.status(), reqwest::StatusCode::OK);
    assert!(got.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(got.bytes().await.unwrap().to_vec(), video);
    for (who, status) in [
        (&outsider, reqwest::StatusCode::NOT_FOUND),
        (&app.client(), reqwest::StatusCode::UNAUTHORIZED),
    ] {
        let answer = who.get(app.url(&file.url())).send().await.unwrap();
        assert_eq!(answer.status(), status);
    }
    // The public picture route never serves a private file, to anyone, by its key.
    let key: String = sqlx::query_scalar("SELECT storage_key FROM deal_files WHERE deal_id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    for who in [&brand, &creator, &app.client()] {
        let answer = who
            .get(app.url(&format!("/media/{key}")))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), reqwest::StatusCode::NOT_FOUND, "{key}");
    }
    assert!(
        upload(&creator, video).await.unwrap().status() == reqwest::StatusCode::CONFLICT,
        "no more files once delivered"
    );
}

#[tokio::test]
async fn a_brand_funds_the_escrow_by_card_for_what_its_wallet_lacks() {
    let app = spawn_app().await;
    let Parties {
        db,
        brand,
        creator,
        outsider,
        brand_id,
        creator_id,
    } = parties(&app, "card", 2_000).await;
    let accepted = |minor: i64| {
        let db = db.clone();
        async move {
            let opening = offer(brand_id, creator_id, minor);
            let id = store::open(&db, &opening, now()).await.unwrap();
            store::step(&db, id, Some(creator_id), DealStep::Accept, None, "", now())
                .await
                .unwrap();
            id.to_string()
        }
    };
    let id = accepted(5_000).await;
    assert_eq!(
        app.call_err(&creator, "fund_deal_by_card", &[("id", &id)])
            .await,
        AppError::Forbidden
    );
    assert_eq!(
        app.call_err(&outsider, "fund_deal_by_card", &[("id", &id)])
            .await,
        AppError::NotFound
    );
    let url: String = app
        .call_ok(&brand, "fund_deal_by_card", &[("id", &id)])
        .await;
    let checkout = url.strip_prefix(&app.url("")).unwrap().to_owned();
    // 30 € are missing; the card pays them plus the processor's fee on them.
    let page = app.page(&brand, &checkout).await;
    assert!(page.contains("€30.71"), "{page}");
    let paid = app.pay(&brand, &checkout, "4242 4242 4242 4242").await;
    assert_eq!(
        paid.headers()["location"].to_str().unwrap(),
        app.url(&format!("/deals/{id}"))
    );
    let deal: Deal = app.call_ok(&brand, "deal", &[("id", &id)]).await;
    assert_eq!(deal.state, DealState::Funded);
    let wallet = AccountRef::wallet(brand_id, Currency::Eur);
    assert_eq!(
        available(&db, wallet).await,
        0,
        "the card paid exactly what was missing"
    );
    assert!(matches!(
        app.call_err(&brand, "fund_deal_by_card", &[("id", &id)])
            .await,
        AppError::Conflict(_)
    ));

    // A card payment that can no longer fund its deal (the wallet paid for something else
    // meanwhile) leaves the deal waiting and the money in the wallet.
    top_up(&db, brand_id, 1_000).await;
    let second = accepted(4_000).await;
    let url: String = app
        .call_ok(&brand, "fund_deal_by_card", &[("id", &second)])
        .await;
    let other = accepted(1_000).await;
    store::step(
        &db,
        other.parse().unwrap(),
        Some(brand_id),
        DealStep::Fund,
        None,
        "",
        now(),
    )
    .await
    .unwrap();
    let checkout = url.strip_prefix(&app.url("")).unwrap().to_owned();
    app.pay(&brand, &checkout, "4242 4242 4242 4242").await;
    let deal: Deal = app.call_ok(&brand, "deal", &[("id", &second)]).await;
    assert_eq!(deal.state, DealState::Accepted);
    assert_eq!(
        available(&db, wallet).await,
        3_000,
        "the card's money is in the wallet"
    );
    assert!(ledger::verify(&db).await.unwrap().problems.is_empty());
}

#[tokio::test]
async fn a_deal_keeps_the_review_window_of_the_deployment_it_opened_on() {
    let app = crate::common::spawn_app_with(&[("TREMPLIN_DEAL_REVIEW_HOURS", "24")]).await;
    let Parties { brand, creator, .. } = parties(&app, "window", 5_000).await;
    let due = app::ui::date::format_date_input(now() + 14 * 86_400);
    let id: i64 = app
        .call_ok(
            &brand,
            "offer_deal",
            &[
                ("handle", "window_creator"),
                ("amount", "50"),
                ("deliverables", "One post"),
                ("due_on", due.as_str()),
            ],
        )
        .await;
    let id = id.to_string();
    for (client, step) in [(&creator, "accept"), (&brand, "fund")] {
        let _: DealState = app
            .call_ok(client, "deal_step", &[("id", &id), ("step", step)])
            .await;
    }
    let before = now();
    let _: DealState = app
        .call_ok(
            &creator,
            "deal_step",
            &[
                ("id", &id),
                ("step", "deliver"),
                ("body", "https://example.test/p"),
            ],
        )
        .await;
    let deal: Deal = app.call_ok(&brand, "deal", &[("id", &id)]).await;
    let until = deal.review_until.unwrap();
    assert!(
        (before + 24 * 3600..=now() + 24 * 3600).contains(&until),
        "{until}"
    );
}

#[tokio::test]
async fn a_rating_moves_a_listed_creators_score() {
    let (_dir, db) = fresh_db().await;
    let (id, brand, creator) = delivered_deal(&db, 3_000).await;
    let input = app::market::store::MarketInput {
        language: "fr".into(),
        country: "FR".into(),
        availability: app::market::types::Availability::Open,
        rates: Vec::new(),
        engagement: Vec::new(),
    };
    app::market::store::save(&db, creator, &input, now())
        .await
        .unwrap();
    let listed = || async {
        sqlx::query_as::<_, (i64, Option<i64>)>(
            "SELECT base_score, rating_centi FROM creator_markets WHERE user_id = $1",
        )
        .bind(creator)
        .fetch_one(&db.pool)
        .await
        .unwrap()
    };
    let (before, unrated) = listed().await;
    assert_eq!(unrated, None);
    store::step(&db, id, Some(brand), DealStep::Approve, None, "", now())
        .await
        .unwrap();
    let five = app::deals::types::Stars::parse("5").unwrap();
    store::rate(&db, id, brand, five, "", now()).await.unwrap();
    let (after, rated) = listed().await;
    assert_eq!(rated, Some(500));
    assert!(after > before, "{before} -> {after}");
}
