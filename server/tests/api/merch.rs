//! A live event's cover and pinned merch: the host uploads a cover and pins products of their
//! shop; a fan buys one from the event page, paid from their wallet, the room told and the
//! studio's totals counting it; every bad input refused with nothing moved; fans racing for
//! the last pieces get exactly the stock. On SQLite and PostgreSQL.

use app::error::{AppError, Problem};
use app::ledger::store as ledger;
use app::live::merch::{Bought, PinChoice};
use app::live::room::store as room;
use app::live::room::types::MessageKind;
use app::live::types::{Event, Studio};
use app::ssr::Db;
use app::storefront::store as shelves;
use reqwest::Client;

use crate::common::{spawn_app, top_up, TestApp};
use crate::live::schedule;

/// A product of `creator`'s shop, published; returns its id.
pub(crate) async fn product(
    app: &TestApp,
    creator: &Client,
    title: &str,
    stocks: [&str; 2],
) -> i64 {
    let form = [
        ("title", title),
        ("description", "Printed in Lille"),
        ("price", "20"),
        ("shipping", "4.50"),
        ("variant_names[]", "M"),
        ("variant_stocks[]", stocks[0]),
        ("variant_names[]", "L"),
        ("variant_stocks[]", stocks[1]),
    ];
    let id: i64 = app.call_ok(creator, "save_product", &form).await;
    let publish = [("product", id.to_string()), ("action", "publish".into())];
    let publish: Vec<(&str, &str)> = publish.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let _: () = app.call_ok(creator, "shelf", &publish).await;
    id
}

pub(crate) async fn pin(
    app: &TestApp,
    who: &Client,
    event: i64,
    product: i64,
) -> reqwest::Response {
    let (event, product) = (event.to_string(), product.to_string());
    app.call(
        who,
        "pin_merch",
        &[("id", &event), ("product", &product), ("on", "true")],
    )
    .await
}

pub(crate) fn buy_form<'a>(
    event: &'a str,
    variant: &'a str,
    total: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("id", event),
        ("variant", variant),
        ("total", total),
        ("ship_name", "Léa Martin"),
        ("ship_address", "12 rue des Lilas, 59000 Lille"),
    ]
}

async fn sound(db: &Db) {
    let report = ledger::verify(db).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[tokio::test]
async fn a_fan_buys_pinned_merch_without_leaving_the_event_and_bad_input_moves_nothing() {
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let (host, fan, other) = (app.client(), app.client(), app.client());
    app.sign_up(&host, "creator", "merch_host").await;
    app.sign_up(&fan, "fan", "merch_fan").await;
    app.sign_up(&other, "creator", "merch_other").await;
    let event = schedule(&app, &host).await;
    let event_s = event.to_string();
    let tee = product(&app, &host, "Tour tee", ["2", "0"]).await;
    let elsewhere = product(&app, &other, "Someone else's mug", ["5", "5"]).await;

    // Only the host pins, only their own shop's products, and only a few.
    assert_eq!(pin(&app, &host, event, tee).await.status(), 200);
    assert_eq!(pin(&app, &host, event, tee).await.status(), 200);
    assert_eq!(pin(&app, &other, event, tee).await.status(), 403);
    let refused: AppError = pin(&app, &host, event, elsewhere)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refused.problem_for("product"), Some(Problem::NotOffered));
    for i in 0..3 {
        let more = product(&app, &host, &format!("Poster {i}"), ["1", "1"]).await;
        assert_eq!(pin(&app, &host, event, more).await.status(), 200);
    }
    let fifth = product(&app, &host, "Poster 4", ["1", "1"]).await;
    let refused: AppError = pin(&app, &host, event, fifth).await.json().await.unwrap();
    assert_eq!(
        refused.problem_for("product"),
        Some(Problem::TooMany { max: 4 })
    );
    let choices: Vec<PinChoice> = app
        .call_ok(&host, "merch_choices", &[("id", &event_s)])
        .await;
    assert_eq!(choices.iter().filter(|c| c.pinned).count(), 4);
    assert!(!choices.iter().any(|c| c.product == elsewhere));

    let page: Event = app.call_ok(&fan, "get_event", &[("id", &event_s)]).await;
    assert_eq!(page.merch.len(), 4);
    assert_eq!(page.merch[0].id, tee);
    let html = app.page(&app.client(), &format!("/live/{event}")).await;
    assert!(html.contains("Tour tee") && html.contains("data-testid=\"merch\""));
    let [m, l] = [0, 1].map(|i| page.merch[0].variants[i].id.to_string());

    // 20.00 + 4.50 shipping, as the page showed it.
    let bad = [
        (
            buy_form(&event_s, &m, "2450"),
            "pay",
            Problem::InsufficientFunds,
        ),
        (
            buy_form(&event_s, &m, "2000"),
            "total",
            Problem::PriceChanged,
        ),
        (buy_form(&event_s, &l, "2450"), "variant", Problem::SoldOut),
        (
            buy_form(&event_s, "999999", "2450"),
            "variant",
            Problem::NotOffered,
        ),
    ];
    for (form, field, problem) in bad {
        let error = app.call_err(&fan, "buy_merch", &form).await;
        assert_eq!(error.problem_for(field), Some(problem), "{form:?}");
    }
    let mut no_address = buy_form(&event_s, &m, "2450");
    no_address[4].1 = "";
    let error = app.call_err(&fan, "buy_merch", &no_address).await;
    assert!(error.problem_for("ship_address").is_some());
    assert_eq!(
        app.call_err(&app.client(), "buy_merch", &buy_form(&event_s, &m, "2450"))
            .await,
        AppError::Unauthenticated
    );
    assert_eq!(
        app.call_err(&host, "buy_merch", &buy_form(&event_s, &m, "2450"))
            .await,
        AppError::Forbidden
    );
    let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(orders, 0, "a refused purchase leaves nothing behind");

    let fan_id = app.me(&fan).await.unwrap().id;
    top_up(&db, fan_id, 5_000).await;
    let bought: Bought = app
        .call_ok(&fan, "buy_merch", &buy_form(&event_s, &m, "2450"))
        .await;
    assert_eq!(bought.title, "Tour tee");
    assert_eq!(bought.paid.minor, 2_450);
    let stock = shelves::product(&db, tee).await.unwrap().variants[0].stock;
    assert_eq!(stock, 1);
    let said = room::latest(&db, event, 5).await.unwrap();
    let news = said.last().unwrap();
    assert_eq!(news.kind, MessageKind::Purchase);
    assert_eq!(news.body, "Tour tee");
    assert_eq!(news.author.as_ref().unwrap().handle, "merch_fan");
    let studio: Studio = app.call_ok(&host, "get_studio", &[("id", &event_s)]).await;
    assert_eq!(studio.merch.orders, 1);
    assert_eq!(studio.merch.total.minor, 2_450);
    let checkout: app::orders::types::Checkout = app
        .call_ok(&fan, "get_checkout", &[("id", &bought.checkout)])
        .await;
    assert_eq!(checkout.orders.len(), 1);

    // Unpinned, or withdrawn from the shop, a product leaves the event page.
    let (event_s2, tee_s) = (event_s.clone(), tee.to_string());
    let _: () = app
        .call_ok(
            &host,
            "pin_merch",
            &[("id", &event_s2), ("product", &tee_s), ("on", "false")],
        )
        .await;
    let page: Event = app.call_ok(&fan, "get_event", &[("id", &event_s)]).await;
    assert!(page.merch.iter().all(|p| p.id != tee));
    let error = app
        .call_err(&fan, "buy_merch", &buy_form(&event_s, &m, "2450"))
        .await;
    assert_eq!(error.problem_for("variant"), Some(Problem::NotOffered));
    sound(&db).await;
}

#[tokio::test]
async fn thirty_fans_racing_for_the_last_three_pieces_make_three_orders() {
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let host = app.client();
    app.sign_up(&host, "creator", "race_merch_host").await;
    let event = schedule(&app, &host).await;
    let tee = product(&app, &host, "Last tees", ["3", "0"]).await;
    assert_eq!(pin(&app, &host, event, tee).await.status(), 200);
    let variant = shelves::product(&db, tee).await.unwrap().variants[0].id;
    let mut fans = Vec::new();
    for i in 0..30 {
        let fan = app.client();
        app.sign_up(&fan, "fan", &format!("race_merch_{i}")).await;
        top_up(&db, app.me(&fan).await.unwrap().id, 3_000).await;
        fans.push(fan);
    }
    let (event_s, variant_s) = (event.to_string(), variant.to_string());
    let tasks: Vec<_> = fans
        .into_iter()
        .map(|fan| {
            let (app, event_s, variant_s) = (&app, event_s.clone(), variant_s.clone());
            async move {
                app.call(&fan, "buy_merch", &buy_form(&event_s, &variant_s, "2450"))
                    .await
                    .status()
                    .is_success()
            }
        })
        .collect();
    let bought = futures::future::join_all(tasks)
        .await
        .into_iter()
        .filter(|ok| *ok)
        .count();
    assert_eq!(bought, 3);
    let stock = shelves::product(&db, tee).await.unwrap().variants[0].stock;
    assert_eq!(stock, 0);
    let paid: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE state = 'paid'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(paid, 3);
    sound(&db).await;
}

/// A one-pixel PNG, orange and half transparent.
pub(crate) const PIXEL: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xf8, 0xdf, 0xc0, 0xf0,
    0x1f, 0x00, 0x06, 0x80, 0x02, 0x7f, 0xcf, 0x12, 0x09, 0xf1, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

#[tokio::test]
async fn the_host_uploads_a_cover_and_nobody_else_can() {
    let app = spawn_app().await;
    let (host, other) = (app.client(), app.client());
    app.sign_up(&host, "creator", "cover_host").await;
    app.sign_up(&other, "creator", "cover_other").await;
    let event = schedule(&app, &host).await;
    let upload = |who: &Client, body: Vec<u8>| {
        let request = who
            .post(app.url(&format!("/api/events/{event}/cover")))
            .header("content-type", "application/octet-stream")
            .body(body);
        async move { request.send().await.unwrap() }
    };
    assert_eq!(upload(&app.client(), PIXEL.to_vec()).await.status(), 401);
    assert_eq!(upload(&other, PIXEL.to_vec()).await.status(), 403);
    let not_image: AppError = upload(&host, b"GIF? no".to_vec())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(not_image.problem_for("cover"), Some(Problem::NotAnImage));
    let too_big = upload(&host, vec![0u8; 6 * 1024 * 1024]).await;
    assert_eq!(too_big.status(), 413);

    let first: serde_json::Value = upload(&host, PIXEL.to_vec()).await.json().await.unwrap();
    let second: serde_json::Value = upload(&host, PIXEL.to_vec()).await.json().await.unwrap();
    let (first, second) = (
        first["url"].as_str().unwrap(),
        second["url"].as_str().unwrap(),
    );
    assert_ne!(first, second);
    let copy = |url: &str| app.url(&format!("{url}.w640.webp"));
    let served = app.client().get(copy(second)).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/webp");
    // The replaced cover is gone from storage.
    let gone = app.client().get(copy(first)).send().await.unwrap();
    assert_eq!(gone.status(), 404);
    let page: Event = app
        .call_ok(&app.client(), "get_event", &[("id", &event.to_string())])
        .await;
    assert_eq!(page.cover_url.as_deref(), Some(second));
    let listed: Vec<app::live::types::Listed> = app
        .call_ok(&app.client(), "list_events", &[("handle", "cover_host")])
        .await;
    assert_eq!(listed[0].cover_url.as_deref(), Some(second));
}

#[tokio::test]
async fn eight_pins_at_once_leave_exactly_four_pinned() {
    let app = spawn_app().await;
    let host = app.client();
    app.sign_up(&host, "creator", "pin_race_host").await;
    let event = schedule(&app, &host).await;
    let mut products = Vec::new();
    for i in 0..8 {
        products.push(product(&app, &host, &format!("Print {i}"), ["1", "1"]).await);
    }
    let pins = products.iter().map(|p| pin(&app, &host, event, *p));
    let pinned = futures::future::join_all(pins)
        .await
        .iter()
        .filter(|r| r.status().is_success())
        .count();
    assert_eq!(pinned, 4);
    let choices: Vec<PinChoice> = app
        .call_ok(&host, "merch_choices", &[("id", &event.to_string())])
        .await;
    assert_eq!(choices.iter().filter(|c| c.pinned).count(), 4);
}
